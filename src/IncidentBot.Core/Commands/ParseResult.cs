namespace IncidentBot.Core.Commands;

/// <summary>What <see cref="CommandParser.Parse(CommandInput, CommandContext)"/> made of a message: a command or a reason it could not.</summary>
public abstract record ParseResult;

/// <summary>A well-formed command. <paramref name="IncidentNumber"/> comes from a leading "INC-42", if any.</summary>
public sealed record ParsedCommand(int? IncidentNumber, ChatCommand Command) : ParseResult;

/// <summary>
/// The message could not be read. <paramref name="Message"/> says what is wrong; <paramref name="Usage"/> shows the right form
/// of the command at hand, or is null when there is none (an unknown word with no near miss).
/// </summary>
public sealed record ParseFailure(string Message, string? Usage) : ParseResult;
