using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Roster.Data;

namespace Roster.Audit;

public sealed record AuditFilter(string? Actor = null, string? Target = null, string? Action = null, DateOnly? From = null, DateOnly? To = null);

/// <summary>Reading the audit log: the same filter for the page and both exports.</summary>
public sealed class AuditQuery(RosterDb db)
{
    public IQueryable<AuditEvent> Apply(AuditFilter filter)
    {
        var events = db.AuditEvents.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(filter.Actor))
            events = events.Where(e => e.ActorName != null && e.ActorName.ToLower().Contains(filter.Actor.Trim().ToLower()));
        if (!string.IsNullOrWhiteSpace(filter.Target))
            events = events.Where(e => e.TargetName != null && e.TargetName.ToLower().Contains(filter.Target.Trim().ToLower()));
        if (!string.IsNullOrWhiteSpace(filter.Action))
            events = events.Where(e => e.Action == filter.Action);
        if (filter.From is { } from)
        {
            var start = from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            events = events.Where(e => e.At >= start);
        }
        if (filter.To is { } to)
        {
            var end = to.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            events = events.Where(e => e.At < end);
        }
        return events.OrderByDescending(e => e.At).ThenByDescending(e => e.Id);
    }

    public static string ToCsv(IEnumerable<AuditEvent> events)
    {
        var csv = new StringBuilder("time,action,actor,target,address,details\r\n");
        foreach (var e in events)
            csv.Append(string.Join(',', new[] { e.At.ToString("O", CultureInfo.InvariantCulture), e.Action, e.ActorName, e.TargetName, e.ClientAddress, e.Details }.Select(Field))).Append("\r\n");
        return csv.ToString();
    }

    /// <summary>RFC 4180 quoting, and a leading quote for values a spreadsheet would run as a formula.</summary>
    private static string Field(string? value)
    {
        value ??= "";
        if (value.Length > 0 && "=+-@\t\r".Contains(value[0]))
            value = "'" + value;
        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }
}
