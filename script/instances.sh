# script/server --instances N (decision 0057). Sourced by script/server after lib.sh; never run on its own.
# Idempotent: a second run finds the clusters, the replica, Redis, nginx and any instance already answering, and
# starts only what is missing.

REPLICA_PG_PORT=${SPARK_REPLICA_PG_PORT:-$((PG_PORT + 1))}
REDIS_PORT=${SPARK_REDIS_PORT:-6390}

run_instances() {
  local n=$1 i port started=() nginx_dir="$SPARK_STATE/nginx"
  ensure_prerequisites
  ensure_apt redis-server nginx
  ensure_cluster pg-dev "$PG_PORT"
  ensure_roles "$SPARK_STATE/pg-dev.secrets"
  ensure_database spark
  # Point-in-time recovery for the multi-instance primary (decision 0058): WAL segments into .spark/wal/pg-dev/.
  enable_wal_archiving pg-dev
  ensure_replica pg-replica "$REPLICA_PG_PORT"
  ensure_redis "$REDIS_PORT"

  build_solution
  export ASPNETCORE_ENVIRONMENT=Development
  export DOTNET_NOLOGO=1
  export Spark__StateDirectory="$SPARK_STATE"
  ConnectionStrings__Spark=$(connection_string "$SPARK_APP_ROLE" "$SPARK_APP_PASSWORD" spark)
  ConnectionStrings__SparkOwner=$(connection_string "$SPARK_OWNER_ROLE" "$SPARK_OWNER_PASSWORD" spark)
  ConnectionStrings__SparkReplica="Host=127.0.0.1;Port=$REPLICA_PORT;Database=spark;Username=$SPARK_APP_ROLE;Password=$SPARK_APP_PASSWORD"
  export ConnectionStrings__Spark ConnectionStrings__SparkOwner ConnectionStrings__SparkReplica
  export ConnectionStrings__Redis="127.0.0.1:$REDIS_PORT"
  export Spark__PublicUrl="http://127.0.0.1:$APP_PORT"
  log "migrating and seeding"
  spark_cli db migrate --seed demo

  stop_started() {
    trap - INT TERM
    log "stopping"
    for pid in "${started[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${started[@]}"; do wait "$pid" 2>/dev/null || true; done
    [ -f "$nginx_dir/nginx.pid" ] && nginx -p "$nginx_dir" -c "$nginx_dir/nginx.conf" -s quit 2>/dev/null || true
    stop_redis
    exit 0
  }
  trap stop_started INT TERM

  for i in $(seq 1 "$n"); do
    port=$((APP_PORT + i))
    if curl -fsS "http://127.0.0.1:$port/health/live" >/dev/null 2>&1; then
      log "spark-$i already answers on 127.0.0.1:$port"
      continue
    fi
    log "starting spark-$i on 127.0.0.1:$port"
    # Every instance runs the simulator and the paper exchange; the advisory-lock election (decision 0056) makes one the
    # owner, which moves prices, writes bars and matches; the others take its ticks through Redis and take over within
    # seconds if it dies.
    # dotnet itself in the background (not the spark_cli function's subshell), so $! is the process to stop.
    Spark__InstanceName="spark-$i" \
      dotnet "$SPARK_ROOT/Spark.Web/bin/Debug/net10.0/Spark.Web.dll" --urls "http://127.0.0.1:$port" --contentRoot "$SPARK_ROOT/Spark.Web" \
      >"$SPARK_STATE/spark-$i.log" 2>&1 &
    started+=($!)
  done
  for i in $(seq 1 "$n"); do
    port=$((APP_PORT + i))
    for _ in $(seq 1 240); do
      curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
      sleep 0.5
    done
    curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 || { tail -n 30 "$SPARK_STATE/spark-$i.log" >&2; stop_started; }
  done

  write_nginx_conf "$n" "$nginx_dir"
  if [ -f "$nginx_dir/nginx.pid" ] && kill -0 "$(cat "$nginx_dir/nginx.pid")" 2>/dev/null; then
    nginx -p "$nginx_dir" -c "$nginx_dir/nginx.conf" -s reload
  else
    nginx -p "$nginx_dir" -c "$nginx_dir/nginx.conf" || die "nginx did not start (see $nginx_dir/error.log)"
  fi

  printf '\n\033[1;32mSpark (%s instances behind nginx) is running at http://127.0.0.1:%s\033[0m\n\n' "$n" "$APP_PORT"
  printf 'Instances: 127.0.0.1:%s..%s (logs .spark/spark-N.log; X-Spark-Instance says which answered)\n' "$((APP_PORT + 1))" "$((APP_PORT + n))"
  printf 'PostgreSQL primary :%s, streaming replica :%s, Redis :%s\n' "$CLUSTER_PORT" "$REPLICA_PORT" "$REDIS_PORT"
  cat "$SPARK_STATE/demo-logins.txt" 2>/dev/null || true
  printf '\nCtrl-C stops the instances, nginx and Redis; script/server --stop stops PostgreSQL.\n\n'
  if [ ${#started[@]} -gt 0 ]; then
    wait "${started[@]}"
  else
    # Everything was already up (started by an earlier run): nothing of ours to wait on.
    log "all $n instances were already running"
  fi
}

# Sticky sessions by a cookie nginx sets itself (spark_node): Blazor Server keeps each circuit in one process, so a
# browser's page, its /_blazor negotiation and its WebSocket must reach the same instance. ip_hash would also be
# sticky, but sends every user behind one address (a NAT, an office, this machine's 127.0.0.1) to one instance;
# hashing a per-browser cookie spreads them and survives the client's address changing.
write_nginx_conf() {
  local n=$1 dir=$2 i servers=""
  mkdir -p "$dir/tmp" "$dir/logs"
  for i in $(seq 1 "$n"); do servers+="    server 127.0.0.1:$((APP_PORT + i)) max_fails=2 fail_timeout=5s;"$'\n'; done
  cat > "$dir/nginx.conf" <<CONF
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 1024; }
http {
  access_log $dir/access.log;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;

  map \$http_upgrade \$connection_upgrade { default upgrade; '' close; }
  # A browser without the cookie yet is placed by this request's id, which then becomes its cookie.
  map \$cookie_spark_node \$spark_node { '' \$request_id; default \$cookie_spark_node; }

  upstream spark {
    hash \$spark_node consistent;
$servers  }

  server {
    listen 127.0.0.1:$APP_PORT;
    client_max_body_size 20m;
    location / {
      proxy_pass http://spark;
      proxy_http_version 1.1;
      proxy_set_header Upgrade \$http_upgrade;
      proxy_set_header Connection \$connection_upgrade;
      proxy_set_header Host \$http_host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_read_timeout 1h;
      proxy_buffering off;
      add_header Set-Cookie "spark_node=\$spark_node; Path=/; HttpOnly; SameSite=Lax" always;
    }
  }
}
CONF
}
