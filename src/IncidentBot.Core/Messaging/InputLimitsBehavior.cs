using IncidentBot.Core.Input;
using MediatR;

namespace IncidentBot.Core.Messaging;

/// <summary>
/// The door of the core: every request from every adapter passes here, so a title of NUL characters or a person id of
/// ten thousand characters is refused before a handler loads or changes anything, and no adapter needs its own copy.
/// </summary>
public sealed class InputLimitsBehavior<TRequest, TResponse> : IPipelineBehavior<TRequest, TResponse>
{
    public Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken, RequestHandlerDelegate<TResponse> next)
    {
        if (request is IInputRequest input)
        {
            try
            {
                foreach (var value in input.Inputs())
                {
                    InputLimits.Apply(value.Field, value.Value);
                }
            }
            catch (InputRefusedException refused) when (request is IAnswersRefusal<TResponse> answers)
            {
                return Task.FromResult(answers.Refused(refused));
            }
        }

        return next();
    }
}
