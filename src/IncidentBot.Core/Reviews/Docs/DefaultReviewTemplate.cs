namespace IncidentBot.Core.Reviews.Docs;

/// <summary>The built-in review template; the same text ships as docs/review-template.md (a test keeps them equal).</summary>
internal static class DefaultReviewTemplate
{
    public const string Text = """
{{! Default incident review template. Placeholders and blocks: docs/review-template-reference.md.
    Keep it short: a template overloaded with questions stops getting filled in. }}
# {{incident.reference}} review: {{incident.title}}

_All times are {{zone}}. Generated {{generatedAt}}._

- **Severity:** {{incident.severity}}{{#if severityHistory}} (highest: {{incident.peakSeverity}}){{/if}}{{#if incident.private}} · private incident{{/if}}
- **Status:** {{incident.status}}{{#if incident.duplicateOf}} (duplicate of {{incident.duplicateOf}}){{/if}}{{#if incident.cancelReason}} (cancelled: {{incident.cancelReason}}){{/if}}
- **Service:** {{#if incident.service}}{{incident.service}}{{else}}—{{/if}} · **Declared by:** {{incident.declaredBy}}
- **Links:** {{#if incident.url}}{{incident.url}}{{else}}—{{/if}}{{#each channels}} · {{platform}} {{#if name}}{{name}}{{else}}{{id}}{{/if}}{{/each}}

## Summary and impact

{{#if earlierResolutions}}
_Resolved before, then reopened:_
{{#each earlierResolutions}}
- {{at}} ({{by}}): {{#if summary}}{{summary}}{{else}}no summary{{/if}}
{{/each}}

{{/if}}
{{#if incident.summary}}
{{incident.summary}}
{{else}}
_What happened, in one or two sentences?_
{{/if}}
{{#if incident.description}}

{{incident.description}}
{{/if}}

### Impact

{{#section impact}}
_Who was affected, how, and for how long?_
{{/section}}

## Key times

| Impact started | Declared | Acknowledged | Identified | Mitigated | Resolved |
|---|---|---|---|---|---|
| {{times.impactStarted}} | {{times.declared}} | {{times.acknowledged}} | {{times.identified}} | {{times.mitigated}} | {{times.resolved}} |

From {{durations.from}}: to detect **{{durations.toDetect}}** · to acknowledge **{{durations.toAcknowledge}}** · to mitigate **{{durations.toMitigate}}** · to resolve **{{durations.toResolve}}**

{{#if statusHistory}}
**Status history:** {{#each statusHistory}}{{#if from}} → {{/if}}{{to}} {{at}} ({{by}}){{/each}}
{{/if}}

## Roles

{{#each roles}}
- **{{role}}:** {{holder}} since {{since}}
{{/each}}
{{#each handovers}}
- {{at}} {{role}} handed over: {{from}} → {{to}}
{{/each}}

## Key timeline

{{#if timeline.key}}
| Time | Who | Type | What |
|---|---|---|---|
{{#each timeline.key}}
| {{time}} | {{author}} | {{label}}{{#if mergedFrom}} ({{mergedFrom}}){{/if}} | {{text}}{{#if link}} · {{link}}{{/if}} |
{{/each}}
{{else}}
_Nothing was captured: add the moments that mattered._
{{/if}}

## Action items

{{#if actions}}
{{#each actions}}
- [{{#if done}}x{{else}} {{/if}}] #{{number}} {{text}} — {{status}}{{#if reason}} ({{reason}}){{/if}}{{#if owner}} · owner {{owner}}{{/if}}{{#if due}} · due {{due}}{{/if}}{{#if link}} · {{link}}{{/if}}
{{/each}}
{{else}}
_None yet._
{{/if}}

## Contributing factors

{{#section contributing-factors}}
_What made this happen, or made it worse?_
{{/section}}

## What went well

{{#section went-well}}
_What helped us notice, respond or recover?_
{{/section}}

## What was hard

{{#section was-hard}}
_What slowed us down or confused us?_
{{/section}}

## Open questions

{{#section open-questions}}
_What do we still not know?_
{{/section}}

## Appendix: full timeline

| Time | Who | Type | What |
|---|---|---|---|
{{#each timeline.full}}
| {{time}} | {{author}} | {{label}}{{#if mergedFrom}} ({{mergedFrom}}){{/if}} | {{text}}{{#if link}} · {{link}}{{/if}} |
{{/each}}

""";
}
