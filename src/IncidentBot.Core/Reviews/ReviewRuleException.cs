using IncidentBot.Core.Domain;

namespace IncidentBot.Core.Reviews;

/// <summary>A facilitator's request breaks a review rule; the message is written for them.</summary>
public sealed class ReviewRuleException(string message) : IncidentRuleException(message);
