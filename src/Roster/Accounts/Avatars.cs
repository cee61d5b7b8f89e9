using Microsoft.Net.Http.Headers;

namespace Roster.Accounts;

/// <summary>An uploaded image whose bytes were checked to be one of the accepted formats.</summary>
public sealed record AvatarUpload(string ContentType, byte[] Data);

/// <summary>Avatar and icon images: PNG, JPEG, WEBP or GIF, recognised by their first bytes (never by file name), at most 5 MB.</summary>
public static class Avatars
{
    public const int MaxBytes = 5 * 1024 * 1024;

    /// <summary>
    /// Serves a stored image (avatar or icon), or 404 when there is none. The bytes were checked to be an
    /// image on upload and go out with their detected type only, under a policy that runs nothing.
    /// </summary>
    public static IResult Serve(HttpContext context, string? contentType, byte[]? data, DateTime updatedAt)
    {
        if (contentType is null || data is null)
            return Results.NotFound();
        context.Response.Headers.CacheControl = "private, max-age=300";
        context.Response.Headers.ContentSecurityPolicy = "default-src 'none'";
        return Results.File(data, contentType, lastModified: updatedAt, entityTag: new EntityTagHeaderValue($"\"{updatedAt.Ticks}\""));
    }

    public static string? DetectContentType(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
            return "image/png";
        if (data.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
            return "image/jpeg";
        if (data.StartsWith("GIF87a"u8) || data.StartsWith("GIF89a"u8))
            return "image/gif";
        if (data.Length >= 12 && data[..4].SequenceEqual("RIFF"u8) && data[8..12].SequenceEqual("WEBP"u8))
            return "image/webp";
        return null;
    }

    /// <summary>
    /// A form's file as an image (a user's avatar, an app's icon): none when no file was chosen, or why
    /// the file cannot be one. <paramref name="field"/> names the form field, "Avatar" or "Icon".
    /// </summary>
    public static async Task<Result<AvatarUpload?>> ReadAsync(IFormFile? file, CancellationToken cancellationToken, string field = "Avatar")
    {
        var what = field.ToLowerInvariant();
        if (file is not { Length: > 0 })
            return Result<AvatarUpload?>.Ok(null);
        var tooLarge = new Error($"{what}.too_large", $"The {what} must be at most 5 MB.", field);
        if (file.Length > MaxBytes)
            return tooLarge;
        using var buffer = new MemoryStream();
        await using (var upload = file.OpenReadStream())
            await upload.CopyToAsync(buffer, cancellationToken);
        if (buffer.Length > MaxBytes)
            return tooLarge;
        var data = buffer.ToArray();
        var type = DetectContentType(data);
        return type is null
            ? new Error($"{what}.not_image", $"The {what} must be a PNG, JPEG, WEBP or GIF image.", field)
            : Result<AvatarUpload?>.Ok(new AvatarUpload(type, data));
    }
}
