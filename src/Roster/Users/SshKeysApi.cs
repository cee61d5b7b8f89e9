using Microsoft.AspNetCore.Authorization;
using Roster.Accounts;

namespace Roster.Users;

public sealed record SshKeyDto(Guid Id, string Type, int Bits, string Fingerprint, string Comment, string PublicKey, string? AddedBy, DateTime CreatedAt);

/// <summary>The whole line of a .pub file: "ssh-ed25519 AAAA… comment".</summary>
public sealed record AddSshKeyRequest(string? PublicKey);

/// <summary>
/// /api/v1/users/{id}/ssh-keys: the rules of /account/ssh-keys for anyone's keys (<see cref="Permissions"/>): a person
/// lists, adds and removes their own; user managers list and remove those of the people they manage; admins also add.
/// </summary>
public static class SshKeysApi
{
    public static void MapSshKeysApi(this IEndpointRouteBuilder endpoints)
    {
        var keys = endpoints.MapGroup("/api/v1/users/{id:guid}/ssh-keys")
            .RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = ApiTokenAuthentication.SchemeName })
            .WithTags("Users");

        keys.MapGet("/", async (Guid id, CurrentActor current, SshKeys sshKeys, CancellationToken cancellationToken) =>
            ApiResults.From(await sshKeys.ListAsync(await current.GetAsync(), id, cancellationToken), list => Results.Ok(list.Select(ToDto).ToList())))
            .WithName("ListSshKeys");

        keys.MapPost("/", async (Guid id, AddSshKeyRequest request, CurrentActor current, SshKeys sshKeys, CancellationToken cancellationToken) =>
            ApiResults.From(await sshKeys.AddAsync(await current.GetAsync(), id, request.PublicKey, cancellationToken),
                key => Results.Created($"/api/v1/users/{id}/ssh-keys/{key.Id}", ToDto(key))))
            .WithName("AddSshKey");

        keys.MapDelete("/{keyId:guid}", async (Guid id, Guid keyId, CurrentActor current, SshKeys sshKeys, CancellationToken cancellationToken) =>
            ApiResults.From(await sshKeys.RemoveAsync(await current.GetAsync(), id, keyId, cancellationToken), _ => Results.NoContent()))
            .WithName("RemoveSshKey");
    }

    private static SshKeyDto ToDto(SshKey key) =>
        new(key.Id, key.Type, key.Bits, key.Fingerprint, key.Comment, key.Line, key.AddedBy.Length > 0 ? key.AddedBy : null, key.CreatedAt);
}
