using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Roster.OidcProvider;

/// <summary>
/// What the API pages share: the settings form as typed (kept when refused), and the refusals of the form that was
/// sent, listed at the top and repeated beside their field. Several forms on one page name fields alike, so each error
/// belongs to the form that was sent (<see cref="Sent"/>).
/// </summary>
public abstract class ApiPageModel : PageModel
{
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Identifier { get; set; }

    /// <summary>As typed: one per line or separated by spaces or commas.</summary>
    [BindProperty] public string? Scopes { get; set; }

    /// <summary>Text, not a number, so that whatever was typed comes back in the form with the service's message.</summary>
    [BindProperty] public string? AccessTokenLifetimeSeconds { get; set; }

    public List<Error> Errors { get; } = [];

    /// <summary>The form whose refusals <see cref="Errors"/> holds.</summary>
    public string? Sent { get; protected set; }

    public string? Notice { get; protected set; }

    public static string LifetimeRange => $"{ApiResources.MinLifetimeSeconds} to {ApiResources.MaxLifetimeSeconds} seconds (1 minute to 24 hours)";

    /// <summary>The settings as typed; a lifetime that is not a whole number is 0, which the service refuses with the allowed range.</summary>
    protected ApiSettings TypedSettings(string? identifier) =>
        new(Name, identifier, ApiResources.SplitScopes(Scopes),
            int.TryParse(AccessTokenLifetimeSeconds?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? seconds : 0);

    public IReadOnlyList<string> ErrorsFor(string form, string field) =>
        Sent == form ? [.. Errors.Where(e => e.Field == field).Select(e => e.Message)] : [];

    /// <summary>The field's error paragraph id for aria-describedby, or <paramref name="otherwise"/> (its help) when it has none.</summary>
    public string? DescribedBy(string form, string field, string id, string? otherwise = null) => ErrorsFor(form, field).Count > 0 ? id : otherwise;

    public string? Invalid(string form, string field) => ErrorsFor(form, field).Count > 0 ? "true" : null;

    /// <summary>The model of the _FieldErrors partial.</summary>
    public (IReadOnlyList<string> Messages, string Id) Field(string form, string field, string id) => (ErrorsFor(form, field), id);

    /// <summary>How a time in seconds reads: "300 seconds (5 minutes)".</summary>
    public static string Duration(int seconds) =>
        seconds % 3600 == 0 ? $"{seconds} seconds ({seconds / 3600} {(seconds == 3600 ? "hour" : "hours")})"
        : seconds % 60 == 0 ? $"{seconds} seconds ({seconds / 60} {(seconds == 60 ? "minute" : "minutes")})"
        : $"{seconds} seconds";
}
