namespace Roster.Kernel;

/// <summary>What sort of refusal an error is; <see cref="ApiResults"/> and <see cref="PageResults"/> turn each into a status once.</summary>
public enum ErrorKind
{
    /// <summary>The request itself is wrong: a field to correct, a rule it breaks.</summary>
    Invalid,
    NotFound,
    Forbidden,
    /// <summary>Someone else's change got there first; the same request may work after a reload.</summary>
    Conflict,
    /// <summary>Something Roster depends on cannot serve the request now; a later try may work.</summary>
    Unavailable,
}

/// <summary>
/// Why an operation was refused: a stable code for programs, a sentence for people, and the form field it concerns.
/// Built with the constructor it is <see cref="ErrorKind.Invalid"/>; the factories give the other kinds.
/// </summary>
public sealed record Error(string Code, string Message, string? Field = null)
{
    public ErrorKind Kind { get; init; } = ErrorKind.Invalid;

    public static Error NotFound(string code, string message) => new(code, message) { Kind = ErrorKind.NotFound };
    public static Error Forbidden(string code, string message) => new(code, message) { Kind = ErrorKind.Forbidden };
    public static Error Conflict(string code, string message) => new(code, message) { Kind = ErrorKind.Conflict };
    public static Error Unavailable(string code, string message) => new(code, message) { Kind = ErrorKind.Unavailable };
}

/// <summary>The outcome of an operation that can be refused. Refusals are values; exceptions are for bugs.</summary>
public sealed class Result<T>
{
    private Result(T? value, IReadOnlyList<Error> errors)
    {
        Value = value;
        Errors = errors;
    }

    public T? Value { get; }
    public IReadOnlyList<Error> Errors { get; }
    public bool Succeeded => Errors.Count == 0;

    public static Result<T> Ok(T value) => new(value, []);
    public static Result<T> Fail(IEnumerable<Error> errors) => new(default, [.. errors]);
    public static implicit operator Result<T>(Error error) => new(default, [error]);
}
