using Roster.Accounts;

namespace Roster.Tests.Accounts;

/// <summary>The authenticator codes against the published test vectors, so apps on phones agree with Roster.</summary>
public sealed class TotpTests
{
    // RFC 6238 appendix B, SHA-1, key "12345678901234567890": the last 6 of its 8 digits.
    [Theory]
    [InlineData(59, "287082")]
    [InlineData(1111111109, "081804")]
    [InlineData(1234567890, "005924")]
    [InlineData(2000000000, "279037")]
    public void CodesMatchTheRfc6238TestVectors(long unixTime, string expected)
    {
        var key = "12345678901234567890"u8.ToArray();

        Assert.Equal(expected, Totp.Code(key, Totp.StepAt(DateTimeOffset.FromUnixTimeSeconds(unixTime))));
    }

    [Fact]
    public void ACodeIsAcceptedOneStepEitherWayButNeverTwiceNorOlderThanTheLastAccepted()
    {
        var key = Totp.NewKey();
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var step = Totp.StepAt(now);

        Assert.Equal(step - 1, Totp.Match(key, Totp.Code(key, step - 1), now, lastUsedStep: 0));
        Assert.Equal(step + 1, Totp.Match(key, Totp.Code(key, step + 1), now, lastUsedStep: 0));
        Assert.Null(Totp.Match(key, Totp.Code(key, step - 2), now, lastUsedStep: 0));
        Assert.Null(Totp.Match(key, Totp.Code(key, step), now, lastUsedStep: step));
        Assert.Null(Totp.Match(key, "000000" == Totp.Code(key, step) ? "111111" : "000000", now, lastUsedStep: 0));
    }

    [Fact]
    public void Base32EncodingMatchesTheRfc4648TestVectors()
    {
        Assert.Equal("MZXW6YTBOI", Totp.ToBase32("foobar"u8.ToArray()));
        Assert.Equal("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", Totp.ToBase32("12345678901234567890"u8.ToArray()));
    }
}
