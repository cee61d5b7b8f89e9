using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;
using Roster.Data;
using Roster.Groups;

namespace Roster.Apps;

public static class AppsSetup
{
    public static IServiceCollection AddGroupsAndApps(this IServiceCollection services) => services
        .AddScoped<GroupChanges>()
        .AddScoped<AppChanges>()
        .AddScoped<AppAccessPolicy>();

    public static IEndpointRouteBuilder MapGroupsAndApps(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/app-icon/{id:guid}", async (Guid id, RosterDb db, HttpContext context, CancellationToken cancellationToken) =>
        {
            var icon = await db.AppIcons.AsNoTracking().SingleOrDefaultAsync(i => i.AppId == id, cancellationToken);
            if (icon is null)
                return Results.NotFound();
            context.Response.Headers.CacheControl = "private, max-age=300";
            context.Response.Headers.ContentSecurityPolicy = "default-src 'none'";
            return Results.File(icon.Data, icon.ContentType, lastModified: icon.UpdatedAt, entityTag: new EntityTagHeaderValue($"\"{icon.UpdatedAt.Ticks}\""));
        });
        endpoints.MapGroupsApi();
        endpoints.MapAppsApi();
        return endpoints;
    }
}
