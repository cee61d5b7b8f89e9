using System.Net;

namespace Roster.Mail;

/// <summary>The text of every email Roster sends, as plain text and HTML.</summary>
public static class MailTemplates
{
    public static MailContent PasswordReset(string name, string link, TimeSpan lifetime) => Compose(
        subject: "Reset your Roster password",
        greeting: name,
        paragraphs:
        [
            "Someone, hopefully you, asked to reset the password of your Roster account.",
            $"The link below lets you choose a new password. It works once and expires in {Describe(lifetime)}.",
        ],
        link: link,
        linkText: "Choose a new password",
        closing: "If you did not ask for this, ignore this email: your password stays as it is.");

    public static MailContent TwoFactorDisabled(string name, string by, string link) => Compose(
        subject: "Two-factor sign-in was turned off on your Roster account",
        greeting: name,
        paragraphs:
        [
            $"{by} turned off two-factor authentication on your Roster account, usually because you lost your authenticator.",
            "Until you set it up again, your password alone signs you in.",
        ],
        link: link,
        linkText: "Set up two-factor authentication",
        closing: "If you did not ask for this, tell your administrator and change your password.");

    public static MailContent AdminResetLink(string name, string link, TimeSpan lifetime) => Compose(
        subject: "Choose a new Roster password",
        greeting: name,
        paragraphs:
        [
            "An administrator of your Roster account sent you a link to choose a new password.",
            $"It works once and expires in {Describe(lifetime)}.",
        ],
        link: link,
        linkText: "Choose a new password",
        closing: "If you did not expect this, tell your administrator; your current password keeps working until you use the link.");

    public static MailContent Invitation(string name, string invitedBy, string link, TimeSpan lifetime) => Compose(
        subject: "You are invited to Roster",
        greeting: name,
        paragraphs:
        [
            $"{invitedBy} invited you to the platform. Roster is where you sign in to its apps.",
            $"Follow the link to choose your username and password. It works once and expires in {Describe(lifetime)}.",
        ],
        link: link,
        linkText: "Accept the invitation",
        closing: "If you were not expecting this, ignore this email and no account will be used.");

    public static MailContent Welcome(string name, string username, string link) => Compose(
        subject: "Your Roster account is ready",
        greeting: name,
        paragraphs:
        [
            $"An account was created for you. Your username is {username}; the person who created it will tell you the password, or use \"Forgot password?\" to choose your own.",
        ],
        link: link,
        linkText: "Sign in",
        closing: "If you were not expecting this, tell the platform's administrator.");

    public static MailContent PasswordChanged(string name, string link) => Compose(
        subject: "Your Roster password was changed",
        greeting: name,
        paragraphs:
        [
            "The password of your Roster account was just changed, and your other sessions were signed out.",
            "If that was you, there is nothing to do.",
        ],
        link: link,
        linkText: "Not you? Choose a new password now",
        closing: "If it was not you, choose a new password at once and tell your administrator.");

    public static MailContent EmailChanged(string name, string newAddress, string? by, string link) => Compose(
        subject: "The email address of your Roster account was changed",
        greeting: name,
        paragraphs:
        [
            $"{by ?? "You"} changed the email address of your Roster account to {newAddress}. Roster's emails, password reset links among them, go there from now on.",
            "If that was expected, there is nothing to do.",
        ],
        link: link,
        linkText: "Review your account",
        closing: "If you did not expect this, tell your administrator at once: whoever controls that address may be trying to take over your account.");

    public static MailContent ConfirmEmail(string name, string link, TimeSpan lifetime, string? by) => Compose(
        subject: "Confirm your email address for Roster",
        greeting: name,
        paragraphs:
        [
            by is null
                ? "You gave this address to your Roster account."
                : $"{by} gave this address to your Roster account.",
            $"Confirm it with the link below, signed in to Roster as yourself. Until then apps are told it is unverified. The link expires in {Describe(lifetime)}.",
        ],
        link: link,
        linkText: "Confirm this address",
        closing: "If you do not have a Roster account, ignore this email.");

    private static MailContent Compose(string subject, string greeting, string[] paragraphs, string link, string linkText, string closing)
    {
        var hello = string.IsNullOrWhiteSpace(greeting) ? "Hello," : $"Hello {greeting},";
        var text = $"{hello}\n\n{string.Join("\n\n", paragraphs)}\n\n{link}\n\n{closing}\n";
        Func<string, string> e = WebUtility.HtmlEncode;
        var html =
            $"<!DOCTYPE html><html><body style=\"font-family:sans-serif;line-height:1.5\"><p>{e(hello)}</p>" +
            string.Concat(paragraphs.Select(p => $"<p>{e(p)}</p>")) +
            $"<p><a href=\"{e(link)}\">{e(linkText)}</a></p><p style=\"color:#555\">{e(closing)}</p></body></html>";
        return new MailContent(subject, text, html);
    }

    /// <summary>A lifetime as people say it: "1 hour", "7 days", "15 minutes".</summary>
    public static string Describe(TimeSpan span) =>
        span.TotalDays >= 1 && span.TotalDays % 1 == 0 ? Plural((int)span.TotalDays, "day")
        : span.TotalHours >= 1 && span.TotalHours % 1 == 0 ? Plural((int)span.TotalHours, "hour")
        : Plural((int)Math.Ceiling(span.TotalMinutes), "minute");

    private static string Plural(int count, string unit) => count == 1 ? $"1 {unit}" : $"{count} {unit}s";
}
