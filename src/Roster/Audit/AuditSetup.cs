using Microsoft.EntityFrameworkCore;
using Roster.Accounts;

namespace Roster.Audit;

public static class AuditSetup
{
    public static IServiceCollection AddAudit(this IServiceCollection services) =>
        services.AddScoped<AuditLog>().AddScoped<AuditQuery>();

    public static IEndpointRouteBuilder MapAudit(this IEndpointRouteBuilder endpoints)
    {
        var exports = endpoints.MapGroup("/audit").RequireAuthorization(Permissions.Administer);
        exports.MapGet("/export.csv", async (AuditQuery query, [AsParameters] AuditExportFilter filter, CancellationToken cancellationToken) =>
            Results.File(System.Text.Encoding.UTF8.GetBytes(AuditQuery.ToCsv(await query.Apply(filter.ToFilter()).ToListAsync(cancellationToken))),
                "text/csv; charset=utf-8", "roster-audit.csv"));
        exports.MapGet("/export.json", async (AuditQuery query, [AsParameters] AuditExportFilter filter, CancellationToken cancellationToken) =>
            Results.Json(await query.Apply(filter.ToFilter()).Select(e => new
            {
                time = e.At, action = e.Action, actor = e.ActorName, actorId = e.ActorId, target = e.TargetName,
                targetId = e.TargetId, address = e.ClientAddress, details = e.Details,
            }).ToListAsync(cancellationToken), contentType: "application/json; charset=utf-8"));
        return endpoints;
    }

    public static string QueryOf(AuditFilter filter)
    {
        var pairs = new Dictionary<string, string?>
        {
            ["actor"] = filter.Actor, ["target"] = filter.Target, ["action"] = filter.Action,
            ["from"] = filter.From?.ToString("yyyy-MM-dd"), ["to"] = filter.To?.ToString("yyyy-MM-dd"),
        }.Where(p => !string.IsNullOrWhiteSpace(p.Value));
        return QueryString.Create(pairs).ToUriComponent();
    }
}

public sealed record AuditExportFilter(string? Actor, string? Target, string? Action, DateOnly? From, DateOnly? To)
{
    public AuditFilter ToFilter() => new(Actor, Target, Action, From, To);
}
