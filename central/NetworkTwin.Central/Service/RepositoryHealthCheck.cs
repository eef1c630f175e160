using Microsoft.Extensions.Diagnostics.HealthChecks;
using NetworkTwin.Central.Repository;

namespace NetworkTwin.Central.Service;

/// <summary>
/// Ready while the repository answers. The one check behind both /readyz on the operator web port and
/// the standard gRPC health service (grpc.health.v1) on the agents' port, so a load balancer, a
/// Kubernetes gRPC probe and grpcurl all see what the operator sees.
/// </summary>
internal sealed class RepositoryHealthCheck(CoordinatorRepository repository) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(Problem(repository) is { } problem ? HealthCheckResult.Unhealthy(problem) : HealthCheckResult.Healthy(repository.Description));

    /// <summary>Why the repository is not ready, or null when it answers.</summary>
    public static string? Problem(CoordinatorRepository repository)
    {
        try
        {
            _ = repository.SchemaVersion;
            return null;
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            return $"the repository ({repository.Description}) does not answer: {ex.Message}";
        }
    }
}
