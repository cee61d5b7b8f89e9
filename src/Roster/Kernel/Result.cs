namespace Roster.Kernel;

/// <summary>Why an operation was refused: a stable code for programs, a sentence for people, and the form field it concerns.</summary>
public sealed record Error(string Code, string Message, string? Field = null);

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
