using NetworkTwin.Analytics.Signal;

namespace NetworkTwin.Analytics.Alignment;

/// <summary>
/// Recovers clock offsets of a group of cells from pairwise lags (lag_ij = o_i - o_j) by
/// weighted least squares with one reference cell fixed at 0. Pairs that disagree with the
/// solution by more than a few slots are dropped and the system solved again, so one spurious
/// peak does not bend the rest.
/// </summary>
public static class OffsetSolver
{
    public const int MaxResidualSlots = 3;

    /// <param name="members">Indices (into <paramref name="peaks"/>) of the cells of one group.</param>
    /// <param name="peaks">Pairwise peaks.</param>
    /// <param name="isEvidence">Which pairs count as evidence.</param>
    /// <returns>Offset in slots per member relative to members[0]; NaN where no evidence connects a cell.</returns>
    public static double[] Solve(IReadOnlyList<int> members, CorrelationPeak[,] peaks, Func<CorrelationPeak, bool> isEvidence)
    {
        var m = members.Count;
        var edges = new List<(int A, int B, double Lag, double Weight)>();
        for (var a = 0; a < m; a++)
        {
            for (var b = a + 1; b < m; b++)
            {
                var p = peaks[members[a], members[b]];
                if (isEvidence(p))
                {
                    edges.Add((a, b, p.Lag, p.Correlation * p.Correlation));
                }
            }
        }

        var offsets = new double[m];
        for (var round = 0; round < 3; round++)
        {
            offsets = SolveOnce(m, edges);
            var kept = edges.Where(e => double.IsNaN(offsets[e.A]) || double.IsNaN(offsets[e.B])
                || Math.Abs(offsets[e.A] - offsets[e.B] - e.Lag) <= MaxResidualSlots).ToList();
            if (kept.Count == edges.Count || kept.Count == 0)
            {
                break;
            }

            edges = kept;
        }

        return offsets;
    }

    private static double[] SolveOnce(int m, List<(int A, int B, double Lag, double Weight)> edges)
    {
        // Only cells connected to the reference (index 0) have a defined offset.
        var connected = new bool[m];
        connected[0] = true;
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var e in edges)
            {
                if (connected[e.A] != connected[e.B])
                {
                    connected[e.A] = connected[e.B] = true;
                    changed = true;
                }
            }
        }

        var index = new int[m];
        var unknowns = 0;
        for (var i = 1; i < m; i++)
        {
            index[i] = connected[i] ? unknowns++ : -1;
        }

        // Normal equations of sum w (o_a - o_b - lag)^2 with o_0 = 0: a weighted graph Laplacian.
        var matrix = new double[unknowns, unknowns];
        var rhs = new double[unknowns];
        foreach (var (a, b, lag, w) in edges)
        {
            if (!connected[a])
            {
                continue;
            }

            var ia = a == 0 ? -1 : index[a];
            var ib = b == 0 ? -1 : index[b];
            if (ia >= 0)
            {
                matrix[ia, ia] += w;
                rhs[ia] += w * lag;
            }

            if (ib >= 0)
            {
                matrix[ib, ib] += w;
                rhs[ib] -= w * lag;
            }

            if (ia >= 0 && ib >= 0)
            {
                matrix[ia, ib] -= w;
                matrix[ib, ia] -= w;
            }
        }

        var solution = GaussianElimination(matrix, rhs);
        var offsets = new double[m];
        for (var i = 1; i < m; i++)
        {
            offsets[i] = connected[i] ? solution[index[i]] : double.NaN;
        }

        return offsets;
    }

    private static double[] GaussianElimination(double[,] a, double[] b)
    {
        var n = b.Length;
        for (var col = 0; col < n; col++)
        {
            var pivot = col;
            for (var r = col + 1; r < n; r++)
            {
                if (Math.Abs(a[r, col]) > Math.Abs(a[pivot, col]))
                {
                    pivot = r;
                }
            }

            if (pivot != col)
            {
                for (var c = 0; c < n; c++)
                {
                    (a[col, c], a[pivot, c]) = (a[pivot, c], a[col, c]);
                }

                (b[col], b[pivot]) = (b[pivot], b[col]);
            }

            var d = a[col, col];
            if (Math.Abs(d) < 1e-12)
            {
                continue;
            }

            for (var r = col + 1; r < n; r++)
            {
                var f = a[r, col] / d;
                if (f == 0)
                {
                    continue;
                }

                for (var c = col; c < n; c++)
                {
                    a[r, c] -= f * a[col, c];
                }

                b[r] -= f * b[col];
            }
        }

        var x = new double[n];
        for (var r = n - 1; r >= 0; r--)
        {
            var s = b[r];
            for (var c = r + 1; c < n; c++)
            {
                s -= a[r, c] * x[c];
            }

            x[r] = Math.Abs(a[r, r]) < 1e-12 ? 0 : s / a[r, r];
        }

        return x;
    }
}
