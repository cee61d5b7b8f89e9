using Microsoft.AspNetCore.Http;
using Roster.Oidc;

namespace Roster.Tests.Oidc;

/// <summary>How a request's parameters are read: RFC 6749 section 3.1's rules on repeats, empties and unknown names.</summary>
public sealed class ParametersTests
{
    private static Task<Parameters> QueryAsync(string query)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Get;
        context.Request.QueryString = new QueryString(query);
        return Parameters.ReadAsync(context.Request, CancellationToken.None);
    }

    [Fact]
    public async Task OnlyARepeatedParameterRosterReadsCountsAsRepeatedAndAnEmptyOneAsAbsent()
    {
        var parameters = await QueryAsync("?ui_locales=a&ui_locales=b&state=&nonce=1&nonce=2&scope=openid");

        Assert.Equal("nonce", parameters.Repeated);
        Assert.True(parameters.IsRepeated("nonce"));
        Assert.False(parameters.IsRepeated("ui_locales"));
        Assert.Null(parameters["state"]);
        Assert.Equal("openid", parameters["scope"]);
        Assert.Equal("a", parameters.All["ui_locales"]);
    }

    [Fact]
    public async Task ReadingAParameterRosterDoesNotRecogniseIsAMistakeInRoster()
    {
        var parameters = await QueryAsync("?ui_locales=a");

        Assert.Throws<ArgumentException>(() => parameters["ui_locales"]);
    }
}
