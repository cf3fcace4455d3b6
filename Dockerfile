# OpenKpi: build, validate the seeds and build the LiteDB catalogue at image build time,
# then run as a non-root user on the ASP.NET runtime image.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props OpenKpi.sln ./
COPY src/OpenKpi.Domain/OpenKpi.Domain.csproj src/OpenKpi.Domain/
COPY src/OpenKpi.Api/OpenKpi.Api.csproj src/OpenKpi.Api/
RUN dotnet restore src/OpenKpi.Api/OpenKpi.Api.csproj -r linux-x64 -p:PublishReadyToRun=true
COPY src/ src/
# ReadyToRun, as the benchmark measures it (tests/benchmark/run.sh): start-up does not wait for the JIT.
RUN dotnet publish src/OpenKpi.Api/OpenKpi.Api.csproj -c Release -r linux-x64 --self-contained false \
    -p:PublishReadyToRun=true -o /app --no-restore

# The README's import command, run in the published app: bad seeds fail the image build.
COPY seeds/ /app/seeds/
WORKDIR /app
RUN dotnet OpenKpi.Api.dll import

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app ./
# The database built above matches the seeds, so at run time it is only read: the container runs as
# the non-root app user, which owns nothing it could change, and works with a read-only root file system
# (docker run --read-only). A read-only file system never loses the database (see README, faults).
# The whole-dataset downloads are written once to the temporary folder: give it one (--tmpfs /tmp),
# or they are kept in memory.
USER app
# The GC's generation budgets, 16 MB each (hexadecimal; runtimeconfig.json cannot set them). Without them the
# first generation-1 budget after start-up is sized from the snapshot just loaded, so the short-lived objects of
# requests in flight pile up there under load (README, benchmarks; tests/benchmark/run.sh starts the API with them).
ENV ASPNETCORE_HTTP_PORTS=8080 \
    DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 \
    DOTNET_GCGen0MaxBudget=0x1000000 \
    DOTNET_GCGen1MaxBudget=0x1000000
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD curl --fail --silent http://localhost:8080/health/ready || exit 1
ENTRYPOINT ["dotnet", "OpenKpi.Api.dll"]
