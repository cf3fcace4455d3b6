# OpenKpi: build, validate the seeds and build the LiteDB catalogue at image build time,
# then run as a non-root user on the ASP.NET runtime image.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props OpenKpi.sln ./
COPY src/OpenKpi.Domain/OpenKpi.Domain.csproj src/OpenKpi.Domain/
COPY src/OpenKpi.Api/OpenKpi.Api.csproj src/OpenKpi.Api/
RUN dotnet restore src/OpenKpi.Api/OpenKpi.Api.csproj
COPY src/ src/
RUN dotnet publish src/OpenKpi.Api/OpenKpi.Api.csproj -c Release -o /app --no-restore

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
USER app
ENV ASPNETCORE_HTTP_PORTS=8080 \
    DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD curl --fail --silent http://localhost:8080/health/ready || exit 1
ENTRYPOINT ["dotnet", "OpenKpi.Api.dll"]
