namespace Roster.Transfer;

/// <summary>Import and export of the directory: `roster export`, `roster import` and /users/import.</summary>
public static class TransferSetup
{
    public static IServiceCollection AddTransfer(this IServiceCollection services)
    {
        services.AddScoped<PeopleCheck>();
        services.AddScoped<GroupsCheck>();
        services.AddScoped<AppsCheck>();
        services.AddScoped<PeopleImport>();
        services.AddScoped<DirectoryExport>();
        return services;
    }
}
