# Roster as a container: published in Release with ReadyToRun code (fast start), on the ASP.NET Core runtime.
# Build:  docker build -t roster .
# Run:    see deploy/compose.yaml (PostgreSQL, two instances behind Caddy) or README "Run several instances".
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Roster.slnx ./
COPY src/ src/
RUN dotnet publish src/Roster -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
# Data (SQLite file, .eml files) lives here when no database server is configured.
ENV Roster__DataDirectory=/data \
    ASPNETCORE_URLS=http://0.0.0.0:8080 \
    Roster__Ldap__Listen=0.0.0.0:3890
RUN mkdir -p /data && chown app /data
VOLUME /data
EXPOSE 8080 3890
USER app
ENTRYPOINT ["dotnet", "/app/roster.dll"]
