using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Roster.Accounts;
using Roster.Accounts.ForeignHashes;

namespace Roster.Tests.Transfer;

/// <summary>
/// The hash formats on their own: a published vector, and the odd or hostile values an import file may hold, each
/// refused with a reason before it is stored and never throwing at sign-in.
/// </summary>
public sealed class ForeignHashFormatTests
{
    private static readonly ImportingPasswordHasher Hasher = new(Options.Create(new PasswordHasherOptions { IterationCount = 1000 }));

    [Fact]
    public void PasslibsDocumentedExampleVerifiesAndAskForARehash()
    {
        // passlib's documentation: pbkdf2_sha256.hash("password").
        const string hash = "$pbkdf2-sha256$6400$0ZrzXitFSGltTQnBWOsdAw$Y11AchqV4b0sUisdZd0Xr97KWoymNE0LNNrnEgY4H9M";
        Assert.Null(ForeignHash.ProblemForImport(hash));
        Assert.Equal(PasswordVerificationResult.SuccessRehashNeeded, Hasher.VerifyHashedPassword(new User(), hash, "password"));
        Assert.Equal(PasswordVerificationResult.Failed, Hasher.VerifyHashedPassword(new User(), hash, "Password"));
    }

    [Theory]
    [InlineData("$2b$31$abcdefghijklmnopqrstuuabcdefghijklmnopqrstuvwxyz01234", "cost 31")]
    [InlineData("$2b$10$tooShort", "53 characters")]
    [InlineData("$2x$10$abcdefghijklmnopqrstuuabcdefghijklmnopqrstuvwxyz01234", "$2a$")]
    [InlineData("$pbkdf2-sha256$0$c2FsdA$YWJjZGVmZ2hpamtsbW5vcA", "iteration count")]
    [InlineData("$pbkdf2-sha256$1000$c2FsdA$YWJj", "digest")]
    [InlineData("$pbkdf2-md5$1000$c2FsdA$YWJjZGVmZ2hpamtsbW5vcA", "pbkdf2-md5")]
    [InlineData("{PBKDF2-SHA256}99999999$c2FsdA$YWJjZGVmZ2hpamtsbW5vcA", "iteration count")]
    [InlineData("{PBKDF2_SHA256}AAAAAAAA", "no format")]
    [InlineData("pbkdf2_sha256$1000$$YWJjZGVmZ2hpamtsbW5vcA==", "salt")]
    [InlineData("{SSHA}", "base64")]
    [InlineData("{SSHA512}c2hvcnQ=", "base64")]
    [InlineData("$argon2id$v=19$m=65536,t=99,p=1$c2FsdHNhbHQ$YWJjZGVmZ2hpamtsbW5vcA", "passes t")]
    [InlineData("$argon2id$v=19$m=8,t=1,p=4$c2FsdHNhbHQ$YWJjZGVmZ2hpamtsbW5vcA", "8 KiB per lane")]
    [InlineData("$argon2i$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$YWJjZGVmZ2hpamtsbW5vcA", "not supported")]
    [InlineData("$6$salt$hash", "no format")]
    [InlineData("plain text password", "no format")]
    [InlineData("AQAAAAEAAAPoAAAAEA==", "salt or digest")]
    public void AnUnusableHashIsRefusedWithItsReasonAndVerifiesNothing(string hash, string reason)
    {
        Assert.Contains(reason, ForeignHash.ProblemForImport(hash));
        Assert.Equal(PasswordVerificationResult.Failed, Hasher.VerifyHashedPassword(new User(), hash, "password"));
    }

    [Fact]
    public void AnOverlongHashIsRefusedBeforeItsFormatIsRead() =>
        Assert.Contains("longer than 1024", ForeignHash.ProblemForImport("{SSHA}" + new string('A', 2000)));
}
