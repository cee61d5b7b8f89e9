using Microsoft.AspNetCore.Http;

namespace Roster.Oidc;

public static partial class Token
{
    private sealed partial record Flow
    {
        /// <summary>
        /// RFC 8628 section 3.4: the device polls with its device code. Until its person decides the answer is
        /// <c>authorization_pending</c>, or <c>slow_down</c> for a poll sooner than the interval, which then grows by
        /// five seconds (section 3.5); then <c>access_denied</c>, or the tokens of the code flow, once: an approved
        /// device code is its grant's code, so a second redemption is refused and revokes what the first issued, as
        /// for a replayed authorization code. The person's state and the app's access rule are checked again here.
        /// </summary>
        public async Task<IResult> RedeemDeviceCodeAsync(IDeviceCodeStore devices)
        {
            // The app's administrator may have taken the grant away since the code was issued.
            if (!Client.AllowDeviceGrant)
                return OidcResults.Error(DeviceAuthorization.NotAllowed);
            if (Parameters["device_code"] is not { } deviceCode)
                return OidcResults.Error(OidcError.InvalidRequest("device_code is missing."));
            var state = await devices.FindAsync(deviceCode, CancellationToken);
            if (state is null || state.ClientId != Client.ClientId)
                return OidcResults.Error(OidcError.InvalidGrant("The device code is unknown, revoked, or not this client's."));

            if (state.Status == DeviceCodeStatus.Approved)
            {
                var issued = await Grants.FindCodeAsync(deviceCode, CancellationToken);
                if (issued is null || issued.Grant.ClientId != Client.ClientId)
                    return OidcResults.Error(OidcError.InvalidGrant("The device code is unknown, revoked, or not this client's."));
                if (issued.Redeemed)
                    return await DeviceCodeReplayedAsync(issued.Grant);
                if (issued.ExpiresAt <= Now)
                    return OidcResults.Error(new OidcError("expired_token", "The device code has expired; start again with a new one."));
                if (!await Grants.TryRedeemCodeAsync(deviceCode, RefreshExpiresAt, CancellationToken))
                    return await DeviceCodeReplayedAsync(issued.Grant);
                if (await Directory.FindUsableAsync(issued.Grant.Subject, Client, CancellationToken) is not { } user)
                {
                    await Grants.RevokeAsync(issued.Grant.Id, "the person may no longer use the app", CancellationToken);
                    return OidcResults.Error(OidcError.InvalidGrant("The person is disabled or no longer allowed to use this app."));
                }
                return await IssueAsync(issued.Grant, user, RefreshTokenContent.For(issued.Grant, RefreshExpiresAt), server: null);
            }
            if (state.Status == DeviceCodeStatus.Denied)
                return OidcResults.Error(OidcError.AccessDenied("The person declined the request."));
            if (state.ExpiresAt <= Now)
                return OidcResults.Error(new OidcError("expired_token", "The device code has expired; start again with a new one."));
            var interval = TimeSpan.FromSeconds(state.IntervalSeconds);
            if (state.LastPolledAt is { } last && Now - last < interval)
            {
                await devices.RecordPollAsync(deviceCode, Now, state.IntervalSeconds + 5, CancellationToken);
                return OidcResults.Error(new OidcError("slow_down", $"Poll at most every {state.IntervalSeconds + 5} seconds."));
            }
            await devices.RecordPollAsync(deviceCode, Now, state.IntervalSeconds, CancellationToken);
            return OidcResults.Error(new OidcError("authorization_pending", "The person has not entered the user code yet."));
        }

        private async Task<IResult> DeviceCodeReplayedAsync(Grant grant)
        {
            await Grants.RevokeAsync(grant.Id, "a device code was used twice", CancellationToken);
            return OidcResults.Error(OidcError.InvalidGrant("The device code was already used; the tokens it issued are revoked."));
        }
    }
}
