using System.Threading.Channels;
using Grpc.Core;
using NetworkTwin.Analytics.Design;
using NetworkTwin.Contracts.Design;

namespace NetworkTwin.Central.Designs;

/// <summary>
/// Runs the design twin's long operations for the operators' API: at most <see cref="DesignOptions.MaxConcurrentRuns"/> at
/// once (one more is refused, not queued, so a caller knows at once), each off the request thread, its progress streamed
/// as it goes (the newest only, when the caller reads slower than the run reports) and its reply last. Cancelling the call
/// cancels the run.
/// </summary>
internal sealed class DesignRuns(DesignOptions options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.MaxConcurrentRuns, options.MaxConcurrentRuns);

    public int Parallelism => options.Parallelism;

    public async Task StreamAsync(IServerStreamWriter<DesignEvent> responses, ServerCallContext context, Func<IProgress<DesignOperations.RunProgress>, CancellationToken, DesignReply> run)
    {
        if (!await _slots.WaitAsync(0, context.CancellationToken).ConfigureAwait(false))
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"{options.MaxConcurrentRuns} design run(s) are already running on this coordinator (Coordinator:Design:MaxConcurrentRuns); try again when one ends"));
        }

        Task<DesignReply>? work = null;
        try
        {
            var progress = Channel.CreateBounded<DesignOperations.RunProgress>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
            var ct = context.CancellationToken;
            work = Task.Run(
                () =>
                {
                    try
                    {
                        return run(new DirectProgress<DesignOperations.RunProgress>(p => progress.Writer.TryWrite(p)), ct);
                    }
                    finally
                    {
                        progress.Writer.TryComplete();
                    }
                },
                ct);
            await foreach (var step in progress.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                await responses.WriteAsync(new DesignEvent { Progress = new DesignProgress { Stage = step.Stage, Done = step.Done, Total = step.Total } }, ct).ConfigureAwait(false);
            }

            var reply = await work.ConfigureAwait(false);
            await responses.WriteAsync(new DesignEvent { Reply = reply }, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidDataException or ArgumentException)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, ex.Message));
        }
        finally
        {
            // The slot is the run's until it has stopped: a caller that went away leaves a run that stops at its next
            // check of the cancellation, not at once.
            if (work is not null)
            {
                await Task.WhenAny(work).ConfigureAwait(false);
                _ = work.Exception; // observed: a run that failed after its caller left has no one to tell
            }

            _slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();
}
