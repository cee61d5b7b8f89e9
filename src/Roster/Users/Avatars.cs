using Roster.Hosting;

namespace Roster.Users;

/// <summary>Avatar images: PNG, JPEG, WEBP or GIF, recognised by their first bytes (never by file name), at most 5 MB.</summary>
public static class Avatars
{
    public const int MaxBytes = 5 * 1024 * 1024;

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

    /// <summary>The upload as an avatar, or why it cannot be one.</summary>
    public static async Task<Result<(string ContentType, byte[] Data)>> ReadAsync(Stream upload, long length, CancellationToken cancellationToken)
    {
        if (length > MaxBytes)
            return new Error("avatar.too_large", "The avatar must be at most 5 MB.", "Avatar");
        using var buffer = new MemoryStream();
        await upload.CopyToAsync(buffer, cancellationToken);
        if (buffer.Length > MaxBytes)
            return new Error("avatar.too_large", "The avatar must be at most 5 MB.", "Avatar");
        var data = buffer.ToArray();
        var type = DetectContentType(data);
        return type is null
            ? new Error("avatar.not_image", "The avatar must be a PNG, JPEG, WEBP or GIF image.", "Avatar")
            : Result<(string, byte[])>.Ok((type, data));
    }
}
