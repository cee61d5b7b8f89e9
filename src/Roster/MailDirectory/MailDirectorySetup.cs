using Roster.Groups;

namespace Roster.MailDirectory;

public static class MailDirectorySetup
{
    public static IServiceCollection AddMailDirectory(this IServiceCollection services) => services
        .AddScoped<AddressBook>()
        .AddScoped<MailDomains>()
        .AddScoped<Mailboxes>()
        .AddScoped<MailingLists>()
        .AddScoped<MailQueries>()
        .AddScoped<IGroupMailUses, GroupMailUses>();

    public static IEndpointRouteBuilder MapMailDirectory(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapMailApi();
        return endpoints;
    }
}
