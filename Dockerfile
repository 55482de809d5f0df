# Spark as a container: the same `dotnet publish` the scripts build and test, plus ApexCharts from npm.
# The .NET base images are build arguments (Microsoft's official .NET 10 SDK and ASP.NET Core runtime
# images; see README, "Docker"): image names here never carry a registry host.
ARG DOTNET_SDK_IMAGE
ARG ASPNET_RUNTIME_IMAGE
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS assets
WORKDIR /src/Spark.Web
COPY Spark.Web/package.json Spark.Web/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

FROM ${DOTNET_SDK_IMAGE} AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig Spark.sln ./
COPY Spark.Core/Spark.Core.csproj Spark.Core/
COPY Spark.Data/Spark.Data.csproj Spark.Data/
COPY Spark.Web/Spark.Web.csproj Spark.Web/
RUN dotnet restore Spark.Web/Spark.Web.csproj
COPY Spark.Core/ Spark.Core/
COPY Spark.Data/ Spark.Data/
COPY Spark.Web/ Spark.Web/
COPY --from=assets /src/Spark.Web/node_modules/apexcharts/dist/apexcharts.min.js Spark.Web/wwwroot/lib/apexcharts/
RUN dotnet publish Spark.Web/Spark.Web.csproj -c Release -o /app --no-restore

FROM ${ASPNET_RUNTIME_IMAGE}
WORKDIR /app
COPY --from=build /app ./
ENV ASPNETCORE_URLS=http://0.0.0.0:8080 \
    Spark__StateDirectory=/var/lib/spark
VOLUME /var/lib/spark
EXPOSE 8080
# Migrate as the owner role (and seed), then serve as the application role.
ENTRYPOINT ["/bin/sh", "-c", "dotnet Spark.Web.dll db migrate --seed \"${SPARK_SEED:-reference}\" && exec dotnet Spark.Web.dll"]
