using Microsoft.EntityFrameworkCore;
using Roster.Data;
using Roster.Groups;
using Roster.Accounts;

namespace Roster.Apps;

public static class AppsSetup
{
    public static IServiceCollection AddApps(this IServiceCollection services) => services
        .AddScoped<AppChanges>()
        .AddScoped<AppAccessPolicy>()
        .AddScoped<IGroupAccessRules>(s => s.GetRequiredService<AppAccessPolicy>())
        .AddScoped<IAppPasswordApps, AppPasswordApps>()
        .AddSingleton<ClientCache>()
        .AddScoped<AppSignOn>()
        .AddScoped<AppGrantSettings>()
        .AddScoped<AppRoles>();

    public static IEndpointRouteBuilder MapApps(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/app-icon/{id:guid}", async (Guid id, RosterDb db, HttpContext context, CancellationToken cancellationToken) =>
        {
            var icon = await db.AppIcons.AsNoTracking().SingleOrDefaultAsync(i => i.AppId == id, cancellationToken);
            return Avatars.Serve(context, icon?.ContentType, icon?.Data, icon?.UpdatedAt ?? default);
        });
        endpoints.MapAppsApi();
        endpoints.MapAppRolesApi();
        return endpoints;
    }
}
