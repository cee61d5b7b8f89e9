namespace Roster.Data;

/// <summary>One XML element of the ASP.NET Core data-protection key ring, kept in the database so every instance shares it.</summary>
public sealed class DataProtectionKey
{
    public Guid Id { get; set; }
    public string FriendlyName { get; set; } = "";
    public string Xml { get; set; } = "";
}
