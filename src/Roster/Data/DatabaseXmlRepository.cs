using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Roster.Data;

/// <summary>Keeps the data-protection key ring in the database, so cookies and protected values survive restarts and work on every instance.</summary>
internal sealed class DatabaseXmlRepository(IServiceScopeFactory scopes) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RosterDb>();
        return db.DataProtectionKeys.Select(k => k.Xml).AsEnumerable().Select(XElement.Parse).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RosterDb>();
        db.DataProtectionKeys.Add(new DataProtectionKey
        {
            Id = Guid.CreateVersion7(),
            FriendlyName = friendlyName,
            Xml = element.ToString(SaveOptions.DisableFormatting),
        });
        db.SaveChanges();
    }
}
