namespace Roster.Groups;

public static class GroupsSetup
{
    public static IServiceCollection AddGroups(this IServiceCollection services) => services
        .AddScoped<GroupChanges>()
        .AddScoped<Accounts.IPolicyGroups, PolicyGroups>();

    public static IEndpointRouteBuilder MapGroups(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGroupsApi();
        return endpoints;
    }
}
