using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Npgsql;
using Spark.Core.Security;
using Spark.Data.Identity;
using Spark.Web.Services.Accounts;
using Spark.Web.Services.Admin;

namespace Spark.Bench;

/// <summary>
/// The back office at scale (decision 0044): 100,000 users and 1,000,000 audit rows over 24 monthly partitions, then the
/// first page of the user search and of the audit log through their services, p50/p95 over many runs each.
/// </summary>
public static class BackOfficeBench
{
    public const int Users = 100_000;
    public const int AuditRows = 1_000_000;
    public const int Months = 24;
    public const int Runs = 50;
    private const int Staff = 20;

    public sealed record Measure(string Name, string Includes, double P50, double P95, int Rows, int Total);

    public sealed record Result(double UsersSeconds, double AuditSeconds, IReadOnlyList<Measure> Measures);

    public static async Task<Result> RunAsync(IServiceProvider services, string owner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        var protector = services.GetRequiredService<FieldProtector>();
        var now = DateTimeOffset.UtcNow;
        const string pan = "ABCPK1234F";

        // The admin who reads, with a real (hashed once) password; everyone else gets a copy of its hash.
        Guid adminId;
        await using (var scope = services.CreateAsyncScope())
        {
            var accounts = scope.ServiceProvider.GetRequiredService<UserAccounts>();
            var email = $"bench-admin-{Guid.NewGuid():N}@spark.local";
            var admin = new SparkUser { Name = "Bench Admin", UserName = email, Email = email, EmailConfirmed = true };
            var created = await accounts.CreateAsync(admin, "benchmark admin passphrase 2026", Roles.Admin);
            if (!created.Succeeded) throw new InvalidOperationException(string.Join("; ", created.Errors.Select(e => e.Description)));
            adminId = admin.Id;
        }

        await using var connection = new NpgsqlConnection(owner);
        await connection.OpenAsync(cancellationToken);
        async Task ExecuteAsync(string sql, params object[] parameters)
        {
            await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
            foreach (var p in parameters) command.Parameters.Add(new NpgsqlParameter { Value = p });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var clock = Stopwatch.StartNew();
        // Names from a small Indian list, e-mails numbered, phones unique, sign-ups over two years, one in ten with a PAN hash.
        await ExecuteAsync("""
            INSERT INTO users (id, email, normalized_email, user_name, normalized_user_name, name, phone, password_hash, security_stamp,
                               concurrency_stamp, email_verified, phone_verified, two_factor_enabled, lockout_enabled, access_failed_count,
                               kyc_status, status, risk_profile, pan_card_hash, created_at, updated_at)
            SELECT gen_random_uuid(), 'user' || i || '@bench.example', upper('user' || i || '@bench.example'), 'user' || i || '@bench.example',
                   upper('user' || i || '@bench.example'),
                   (ARRAY['Aarav','Vivaan','Aditya','Kavya','Ananya','Diya','Ishaan','Meera','Rohan','Saanvi'])[1 + i % 10] || ' ' ||
                   (ARRAY['Sharma','Verma','Iyer','Reddy','Nair','Patel','Gupta','Das','Menon','Kulkarni','Joshi','Rao'])[1 + (i / 10) % 12] || ' ' || i,
                   '9' || lpad(i::text, 9, '0'), (SELECT password_hash FROM users WHERE id = $1), md5(i::text), md5('c' || i), true, false, false, true, 0,
                   (ARRAY['incomplete','pending','verified','rejected'])[1 + i % 4], CASE WHEN i % 97 = 0 THEN 'suspended' ELSE 'active' END, 'moderate',
                   CASE WHEN i % 10 = 0 THEN 'bench-' || md5('pan' || i) END,
                   $2::timestamptz - (i % 730) * interval '1 day' - (i % 1440) * interval '1 minute', $2::timestamptz
            FROM generate_series(1, $3) AS i
            """, adminId, now, Users);
        await ExecuteAsync("UPDATE users SET pan_card_hash = $1 WHERE email = 'user4242@bench.example'", protector.KeyedHash(pan, KycService.PanPurpose));
        // Staff who act on accounts: the first twenty users become support.
        await ExecuteAsync("""
            INSERT INTO user_roles (user_id, role_id)
            SELECT u.id, r.id FROM users u, roles r WHERE r.name = 'Support' AND u.email IN (SELECT 'user' || i || '@bench.example' FROM generate_series(1, $1) i)
            """, Staff);
        await ExecuteAsync("ANALYZE users");
        var usersSeconds = clock.Elapsed.TotalSeconds;

        clock.Restart();
        await ExecuteAsync("SELECT spark_ensure_partitions('audit_logs', ($1::timestamptz - interval '25 months')::date, ($1::timestamptz + interval '1 month')::date)", now);
        // One row in ten is a staff action on a customer (actor = one of the twenty support staff); the rest are the account's own.
        await ExecuteAsync("""
            WITH people AS (SELECT array_agg(id ORDER BY email) AS ids FROM users WHERE email LIKE '%@bench.example'),
                 staff AS (SELECT array_agg(u.id ORDER BY u.email) AS ids FROM users u JOIN user_roles ur ON ur.user_id = u.id JOIN roles r ON r.id = ur.role_id
                           WHERE r.name = 'Support' AND u.email LIKE '%@bench.example')
            INSERT INTO audit_logs (user_id, actor_id, action, entity_type, entity_id, changes, ip_address, status, created_at)
            SELECT p.ids[(1 + (i::bigint * 7919) % array_length(p.ids, 1))::int],
                   CASE WHEN i % 10 = 0 THEN s.ids[1 + (i / 10) % array_length(s.ids, 1)] WHEN i % 53 = 0 THEN NULL ELSE p.ids[(1 + (i::bigint * 7919) % array_length(p.ids, 1))::int] END,
                   CASE WHEN i % 10 = 0 THEN (ARRAY['user_signed_out_by_staff','user_suspended','user_reactivated','kyc_decided'])[1 + (i / 10) % 4]
                        ELSE (ARRAY['sign_in','sign_out','admin_access','profile_changed','preferences_changed','session_revoked','password_changed','connection_created'])[1 + i % 8] END,
                   CASE WHEN i % 10 = 0 THEN 'user' WHEN i % 8 IN (0, 1) THEN 'session' END,
                   CASE WHEN i % 10 = 0 THEN p.ids[(1 + (i::bigint * 7919) % array_length(p.ids, 1))::int] END,
                   CASE WHEN i % 10 = 0 THEN jsonb_build_object('by', s.ids[1 + (i / 10) % array_length(s.ids, 1)], 'reason', 'Customer called, ticket ' || i, 'sessionsRevoked', i % 3)
                        ELSE jsonb_build_object('client', 'web') END,
                   ('10.' || (i % 250) || '.' || (i / 250 % 250) || '.1')::inet,
                   CASE WHEN i % 53 = 0 THEN 'failed' ELSE 'success' END,
                   $1::timestamptz - (i::double precision / $2) * interval '730 days'
            FROM generate_series(1, $2) AS i, people p, staff s
            """, now, AuditRows);
        await ExecuteAsync("ANALYZE audit_logs");
        var auditSeconds = clock.Elapsed.TotalSeconds;

        var names = await ScalarsAsync(connection, "SELECT id::text FROM users WHERE email IN ('user1@bench.example', 'user5000@bench.example') ORDER BY email", cancellationToken);
        var staffId = Guid.Parse(names[0]);
        var customerId = Guid.Parse(names[1]);
        var today = DateOnly.FromDateTime(now.ToOffset(TimeSpan.FromMinutes(330)).DateTime);

        var measures = new List<Measure>();
        await using var measureScope = services.CreateAsyncScope();
        var users = measureScope.ServiceProvider.GetRequiredService<AdminUserService>();
        var audit = measureScope.ServiceProvider.GetRequiredService<AuditLogService>();

        async Task TimeAsync(string name, string includes, Func<Task<(int Rows, int Total)>> run)
        {
            for (var i = 0; i < 5; i++) await run();
            var times = new List<double>();
            (int Rows, int Total) last = default;
            for (var i = 0; i < Runs; i++)
            {
                var start = Stopwatch.GetTimestamp();
                last = await run();
                times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
            measures.Add(new Measure(name, includes, Percentile(times, 0.50), Percentile(times, 0.95), last.Rows, last.Total));
        }

        async Task<(int, int)> UsersAsync(AdminUserQuery q) { var p = await users.SearchAsync(q, cancellationToken); return (p.Items.Count, p.Total); }
        async Task<(int, int)> AuditAsync(AuditLogQuery q) { var p = await audit.SearchAsync(adminId, q, cancellationToken); return (p.Items.Count, p.Total); }

        await TimeAsync("user search: name fragment", "\"kavya\" over email, name and phone (trigram), count + newest 25", () => UsersAsync(new AdminUserQuery { Search = "kavya" }));
        await TimeAsync("user search: email", "\"user77777@bench\", count + newest 25", () => UsersAsync(new AdminUserQuery { Search = "user77777@bench" }));
        await TimeAsync("user search: full PAN", "keyed hash, unique index", () => UsersAsync(new AdminUserQuery { Search = pan }));
        await TimeAsync("user search: default list", "no filter, newest first, count + 25", () => UsersAsync(new AdminUserQuery()));
        await TimeAsync("audit log: first page", "no filter, newest 50, names resolved, count capped at 10,000", () => AuditAsync(new AuditLogQuery()));
        await TimeAsync("audit log: actor filter", "one support agent's ~5,000 actions", () => AuditAsync(new AuditLogQuery { Actor = staffId.ToString() }));
        await TimeAsync("audit log: account filter", "one customer's rows (~10 of their own, staff actions on them)", () => AuditAsync(new AuditLogQuery { Account = customerId.ToString() }));
        await TimeAsync("audit log: action + dates", "user_suspended over the last 90 days (IST)", () => AuditAsync(new AuditLogQuery
        {
            Actions = ["user_suspended"], From = today.AddDays(-90), To = today,
        }));
        return new Result(usersSeconds, auditSeconds, measures);
    }

    private static async Task<List<string>> ScalarsAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var values = new List<string>();
        while (await reader.ReadAsync(cancellationToken)) values.Add(reader.GetString(0));
        return values;
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(p * sorted.Count) - 1)];
    }

    public static string Ms(double ms) => ms.ToString("0.0", CultureInfo.InvariantCulture) + " ms";
}
