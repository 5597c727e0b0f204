namespace IncidentBot.Core.Domain;

/// <summary>
/// A request that breaks a rule (resolve a resolved incident, unknown severity …). The message is written
/// for the person who typed the command; adapters show it as an ephemeral reply or a 400/409.
/// </summary>
public class IncidentRuleException(string message) : Exception(message);

/// <summary>The incident does not exist, or the person may not see it (private): the same answer for both.</summary>
public sealed class IncidentNotFoundException(int number)
    : IncidentRuleException($"INC-{number} was not found (or is private and you are not a member).")
{
    public int Number { get; } = number;
}

/// <summary>Someone else changed the incident between our read and our write; the request is safe to run again.</summary>
public sealed class IncidentConflictException(string reference)
    : IncidentRuleException($"{reference} was changed by someone else at the same moment; please try again.");
