using Microsoft.AspNetCore.Authorization;
using Roster.Accounts;

namespace Roster.MailDirectory;

public sealed record MailDomainRequest(string? Name);

public sealed record MailboxRequest(string? Address = null, string? Person = null, string? Group = null, IReadOnlyList<string>? Aliases = null);

public sealed record MailboxPatch(string? Address = null, bool? Enabled = null);

public sealed record AliasRequest(string? Address);

public sealed record HandOverRequest(string? Person = null, string? Group = null);

public sealed record MailingListRequest(string? Address = null, string? Description = null, bool MembersOnly = false,
    IReadOnlyList<string>? People = null, IReadOnlyList<string>? Groups = null, IReadOnlyList<string>? Addresses = null);

public sealed record MailingListPatch(string? Description = null, bool? MembersOnly = null);

public sealed record ListMembersRequest(IReadOnlyList<string>? People = null, IReadOnlyList<string>? Groups = null, IReadOnlyList<string>? Addresses = null);

/// <summary>/api/v1/mail: the same operations, rules and messages as /mail. Mail managers, admins and owners; domains change by admins.</summary>
public static class MailApi
{
    public static void MapMailApi(this IEndpointRouteBuilder endpoints)
    {
        var mail = endpoints.MapGroup("/api/v1/mail")
            .RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = ApiTokenAuthentication.SchemeName })
            .RequireAuthorization(Permissions.ManageMail)
            .WithTags("Mail");

        mail.MapGet("/domains", async (MailQueries queries, CancellationToken cancellationToken) => Results.Ok(await queries.DomainsAsync(cancellationToken)))
            .WithName("ListMailDomains");
        mail.MapPost("/domains", async (MailDomainRequest request, CurrentActor current, MailDomains domains, CancellationToken cancellationToken) =>
            ApiResults.From(await domains.AddAsync(await current.GetAsync(), request.Name, cancellationToken),
                domain => Results.Created($"/api/v1/mail/domains/{domain.Id}", new MailDomainDto(domain.Id, domain.Name, 0))))
            .RequireAuthorization(Permissions.Administer).WithName("AddMailDomain");
        mail.MapDelete("/domains/{id:guid}", async (Guid id, CurrentActor current, MailDomains domains, CancellationToken cancellationToken) =>
            ApiResults.From(await domains.RemoveAsync(await current.GetAsync(), id, cancellationToken), _ => Results.NoContent()))
            .RequireAuthorization(Permissions.Administer).WithName("RemoveMailDomain");

        mail.MapGet("/mailboxes", async (MailQueries queries, CancellationToken cancellationToken) => Results.Ok(await queries.MailboxesAsync(null, cancellationToken)))
            .WithName("ListMailboxes");
        mail.MapGet("/mailboxes/{id:guid}", async (Guid id, MailQueries queries, CancellationToken cancellationToken) =>
            await queries.MailboxAsync(id, cancellationToken) is { } mailbox ? Results.Ok(mailbox) : ApiResults.Problem([MailErrors.MailboxNotFound]))
            .WithName("GetMailbox");
        mail.MapPost("/mailboxes", async (MailboxRequest request, CurrentActor current, Mailboxes mailboxes, MailQueries queries, CancellationToken cancellationToken) =>
        {
            var result = await mailboxes.CreateAsync(await current.GetAsync(), request.Address, request.Person, request.Group, request.Aliases, cancellationToken);
            return result.Succeeded
                ? Results.Created($"/api/v1/mail/mailboxes/{result.Value!.Id}", await queries.MailboxAsync(result.Value.Id, cancellationToken))
                : ApiResults.Problem(result.Errors);
        }).WithName("CreateMailbox");
        mail.MapPatch("/mailboxes/{id:guid}", async (Guid id, MailboxPatch request, CurrentActor current, Mailboxes mailboxes, MailQueries queries, CancellationToken cancellationToken) =>
            await MailboxAsync(await mailboxes.UpdateAsync(await current.GetAsync(), id, request.Address, request.Enabled, cancellationToken), queries, cancellationToken))
            .WithName("UpdateMailbox");
        mail.MapPost("/mailboxes/{id:guid}/aliases", async (Guid id, AliasRequest request, CurrentActor current, Mailboxes mailboxes, MailQueries queries, CancellationToken cancellationToken) =>
            await MailboxAsync(await mailboxes.AddAliasAsync(await current.GetAsync(), id, request.Address, cancellationToken), queries, cancellationToken))
            .WithName("AddMailAlias");
        mail.MapDelete("/mailboxes/{id:guid}/aliases/{address}", async (Guid id, string address, CurrentActor current, Mailboxes mailboxes, MailQueries queries, CancellationToken cancellationToken) =>
            await MailboxAsync(await mailboxes.RemoveAliasAsync(await current.GetAsync(), id, address, cancellationToken), queries, cancellationToken))
            .WithName("RemoveMailAlias");
        mail.MapPost("/mailboxes/{id:guid}/hand-over", async (Guid id, HandOverRequest request, CurrentActor current, Mailboxes mailboxes, MailQueries queries, CancellationToken cancellationToken) =>
            await MailboxAsync(await mailboxes.HandOverAsync(await current.GetAsync(), id, request.Person, request.Group, cancellationToken), queries, cancellationToken))
            .WithName("HandOverMailbox");
        mail.MapDelete("/mailboxes/{id:guid}", async (Guid id, CurrentActor current, Mailboxes mailboxes, CancellationToken cancellationToken) =>
            ApiResults.From(await mailboxes.DeleteAsync(await current.GetAsync(), id, cancellationToken), _ => Results.NoContent()))
            .WithName("DeleteMailbox");

        mail.MapGet("/lists", async (MailQueries queries, CancellationToken cancellationToken) => Results.Ok(await queries.ListsAsync(cancellationToken)))
            .WithName("ListMailingLists");
        mail.MapGet("/lists/{id:guid}", async (Guid id, MailQueries queries, CancellationToken cancellationToken) =>
            await queries.ListAsync(id, cancellationToken) is { } list ? Results.Ok(list) : ApiResults.Problem([MailErrors.ListNotFound]))
            .WithName("GetMailingList");
        mail.MapPost("/lists", async (MailingListRequest request, CurrentActor current, MailingLists lists, MailQueries queries, CancellationToken cancellationToken) =>
        {
            var members = ListMembers.From(request.People, request.Groups, request.Addresses);
            var result = await lists.CreateAsync(await current.GetAsync(), request.Address, request.Description, request.MembersOnly, members, cancellationToken);
            return result.Succeeded
                ? Results.Created($"/api/v1/mail/lists/{result.Value!.Id}", await queries.ListAsync(result.Value.Id, cancellationToken))
                : ApiResults.Problem(result.Errors);
        }).WithName("CreateMailingList");
        mail.MapPatch("/lists/{id:guid}", async (Guid id, MailingListPatch request, CurrentActor current, MailingLists lists, MailQueries queries, CancellationToken cancellationToken) =>
            await ListAsync(await lists.UpdateAsync(await current.GetAsync(), id, request.Description, request.MembersOnly, cancellationToken), queries, cancellationToken))
            .WithName("UpdateMailingList");
        mail.MapPost("/lists/{id:guid}/members", async (Guid id, ListMembersRequest request, CurrentActor current, MailingLists lists, MailQueries queries, CancellationToken cancellationToken) =>
            await ListAsync(await lists.AddMembersAsync(await current.GetAsync(), id, ListMembers.From(request.People, request.Groups, request.Addresses), cancellationToken), queries, cancellationToken))
            .WithName("AddMailingListMembers");
        mail.MapDelete("/lists/{id:guid}/members/{memberId:guid}", async (Guid id, Guid memberId, CurrentActor current, MailingLists lists, MailQueries queries, CancellationToken cancellationToken) =>
            await ListAsync(await lists.RemoveMemberAsync(await current.GetAsync(), id, memberId, cancellationToken), queries, cancellationToken))
            .WithName("RemoveMailingListMember");
        mail.MapDelete("/lists/{id:guid}", async (Guid id, CurrentActor current, MailingLists lists, CancellationToken cancellationToken) =>
            ApiResults.From(await lists.DeleteAsync(await current.GetAsync(), id, cancellationToken), _ => Results.NoContent()))
            .WithName("DeleteMailingList");
    }

    private static async Task<IResult> MailboxAsync(Result<Mailbox> result, MailQueries queries, CancellationToken cancellationToken) =>
        result.Succeeded ? Results.Ok(await queries.MailboxAsync(result.Value!.Id, cancellationToken)) : ApiResults.Problem(result.Errors);

    private static async Task<IResult> ListAsync(Result<MailingList> result, MailQueries queries, CancellationToken cancellationToken) =>
        result.Succeeded ? Results.Ok(await queries.ListAsync(result.Value!.Id, cancellationToken)) : ApiResults.Problem(result.Errors);
}
