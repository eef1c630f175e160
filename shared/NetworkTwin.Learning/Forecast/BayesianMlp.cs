namespace NetworkTwin.Learning.Forecast;

public sealed record BnnOptions
{
    public int[] Hidden { get; init; } = [32, 32];

    public int Epochs { get; init; } = 60;

    public int BatchSize { get; init; } = 128;

    public double LearningRate { get; init; } = 3e-3;

    /// <summary>Standard deviation of the Gaussian prior on every weight (inputs and targets are standardised).</summary>
    public double PriorSigma { get; init; } = 0.05;

    /// <summary>Posterior weight samples baked into the exported model; its output is their mixture.</summary>
    public int PosteriorSamples { get; init; } = 16;

    public int Seed { get; init; } = 20260301;

    /// <summary>
    /// Laplace: the network's second output is log b of a Laplace noise, so the mean output is fitted as
    /// a median (absolute error, what WAPE scores). Gaussian: it is log sigma, fitted as a mean.
    /// </summary>
    public bool Laplace { get; init; } = true;

    /// <summary>Networks trained from different seeds whose posterior samples are pooled (trained in parallel).</summary>
    public int Ensemble { get; init; } = 1;

    public BnnOptions ForMember(int member) => this with { Seed = Seed + (7919 * member) };
}

/// <summary>
/// A Bayesian neural network trained by variational Bayes (Bayes by backprop, Blundell et al. 2015):
/// every weight has a Gaussian posterior N(mu, softplus(rho)^2), learned by maximising the evidence lower
/// bound with the reparameterisation trick against a Gaussian prior. The network predicts a Gaussian
/// (mean and log standard deviation) of the standardised target, so the predictive distribution holds
/// both the noise in the data and the uncertainty about the weights (the mixture over weight samples).
/// </summary>
public sealed class BayesianMlp
{
    private const double MinLogSigma = -6;
    private const double MaxLogSigma = 4;

    private readonly int[] _sizes;
    private readonly double[][] _mu;
    private readonly double[][] _rho;

    private BayesianMlp(int[] sizes)
    {
        _sizes = sizes;
        _mu = new double[sizes.Length - 1][];
        _rho = new double[sizes.Length - 1][];
        for (var l = 0; l < sizes.Length - 1; l++)
        {
            // Weights [in, out] row-major, then the out biases.
            _mu[l] = new double[(sizes[l] * sizes[l + 1]) + sizes[l + 1]];
            _rho[l] = new double[_mu[l].Length];
        }
    }

    /// <summary>Layer sizes: features, hidden..., 2 (mean and log standard deviation).</summary>
    public IReadOnlyList<int> Sizes => _sizes;

    /// <summary>The epoch whose weights were kept (best on the held-out rows).</summary>
    public int BestEpoch { get; private set; }

    public double[] FeatureMean { get; private set; } = [];

    public double[] FeatureStd { get; private set; } = [];

    public double TargetMean { get; private set; }

    public double TargetStd { get; private set; } = 1;

    /// <summary>Scale on the predictive standard deviation, set by <see cref="Calibrate"/> on held-out rows.</summary>
    public double Temperature { get; set; } = 1;

    public static BayesianMlp Train(TrainingSet train, TrainingSet? validation, BnnOptions options, IProgress<(int Epoch, double Loss)>? progress = null)
    {
        var f = train.Spec.FeatureCount;
        int[] sizes = [f, .. options.Hidden, 2];
        var net = new BayesianMlp(sizes) { Laplace = options.Laplace };
        net.Standardise(train);
        var rng = new Random(options.Seed);
        for (var l = 0; l < sizes.Length - 1; l++)
        {
            var fanIn = sizes[l];
            var weights = sizes[l] * sizes[l + 1];
            for (var i = 0; i < net._mu[l].Length; i++)
            {
                net._mu[l][i] = i < weights ? Gaussian(rng) * Math.Sqrt(2.0 / fanIn) * 0.5 : 0;
                net._rho[l][i] = -6; // softplus(-6) = 0.0025: start nearly deterministic, let the data widen it
            }
        }

        var trainer = new Trainer(net, train, options, rng);
        var best = (Loss: double.PositiveInfinity, Mu: Copy(net._mu), Rho: Copy(net._rho));
        for (var epoch = 1; epoch <= options.Epochs; epoch++)
        {
            var loss = trainer.Epoch();
            var check = validation is { Count: > 0 } ? net.MeanNll(validation) : loss;
            if (check < best.Loss)
            {
                best = (check, Copy(net._mu), Copy(net._rho));
                net.BestEpoch = epoch;
            }

            progress?.Report((epoch, check));
        }

        // Keep the epoch that did best on held-out rows (early stopping without stopping).
        for (var l = 0; l < net._mu.Length; l++)
        {
            best.Mu[l].CopyTo(net._mu[l], 0);
            best.Rho[l].CopyTo(net._rho[l], 0);
        }

        return net;
    }

    private static double[][] Copy(double[][] a) => [.. a.Select(x => (double[])x.Clone())];

    private void Standardise(TrainingSet train)
    {
        var f = train.Spec.FeatureCount;
        FeatureMean = new double[f];
        FeatureStd = new double[f];
        for (var i = 0; i < train.Count; i++)
        {
            var row = train.Row(i);
            for (var j = 0; j < f; j++)
            {
                FeatureMean[j] += row[j];
            }
        }

        for (var j = 0; j < f; j++)
        {
            FeatureMean[j] /= Math.Max(1, train.Count);
        }

        for (var i = 0; i < train.Count; i++)
        {
            var row = train.Row(i);
            for (var j = 0; j < f; j++)
            {
                FeatureStd[j] += (row[j] - FeatureMean[j]) * (row[j] - FeatureMean[j]);
            }
        }

        for (var j = 0; j < f; j++)
        {
            FeatureStd[j] = Math.Sqrt(FeatureStd[j] / Math.Max(1, train.Count));
            if (!(FeatureStd[j] > 1e-9))
            {
                FeatureStd[j] = 1; // a constant feature (a weekday-only week, say) passes through as 0
            }
        }

        TargetMean = train.Targets.Average();
        TargetStd = Math.Sqrt(train.Targets.Select(t => (t - TargetMean) * (t - TargetMean)).Average());
        if (!(TargetStd > 1e-9))
        {
            TargetStd = 1;
        }
    }

    /// <summary>One set of weights drawn from the posterior (or its means with <paramref name="rng"/> null), per layer.</summary>
    public double[][] SampleWeights(Random? rng)
    {
        var w = new double[_mu.Length][];
        for (var l = 0; l < _mu.Length; l++)
        {
            w[l] = new double[_mu[l].Length];
            for (var i = 0; i < w[l].Length; i++)
            {
                w[l][i] = _mu[l][i] + (rng is null ? 0 : Softplus(_rho[l][i]) * Gaussian(rng));
            }
        }

        return w;
    }

    /// <summary>Standardised features of one row.</summary>
    public void Standardised(ReadOnlySpan<float> row, Span<double> x)
    {
        for (var j = 0; j < x.Length; j++)
        {
            x[j] = (row[j] - FeatureMean[j]) / FeatureStd[j];
        }
    }

    /// <summary>Forward pass with given weights; returns (mean, log sigma) of the standardised target. Keeps activations in <paramref name="acts"/>.</summary>
    internal (double Mean, double LogSigma) Forward(double[][] w, ReadOnlySpan<double> x, double[][] acts)
    {
        x.CopyTo(acts[0]);
        for (var l = 0; l < w.Length; l++)
        {
            int nin = _sizes[l], nout = _sizes[l + 1];
            var a = acts[l];
            var z = acts[l + 1];
            var bias = nin * nout;
            var wl = w[l];
            for (var o = 0; o < nout; o++)
            {
                z[o] = wl[bias + o];
            }

            for (var i = 0; i < nin; i++)
            {
                var ai = a[i];
                if (ai == 0)
                {
                    continue;
                }

                var rowStart = i * nout;
                for (var o = 0; o < nout; o++)
                {
                    z[o] += ai * wl[rowStart + o];
                }
            }

            if (l < w.Length - 1)
            {
                for (var o = 0; o < nout; o++)
                {
                    z[o] = Math.Max(0, z[o]);
                }
            }
        }

        var output = acts[^1];
        return (output[0], Math.Clamp(output[1], MinLogSigma, MaxLogSigma));
    }

    internal double[][] NewActivations() => [.. _sizes.Select(s => new double[s])];

    /// <summary>Predictive mean and standard deviation of z(t+h) - z(t) (unstandardised, calibrated) from weight samples.</summary>
    public (double Mean, double Std) Predict(ReadOnlySpan<float> row, IReadOnlyList<double[][]> samples)
    {
        Span<double> x = stackalloc double[_sizes[0]];
        Standardised(row, x);
        var acts = NewActivations();
        double sum = 0, second = 0;
        foreach (var w in samples)
        {
            var (m, ls) = Forward(w, x, acts);
            var v = NoiseVariance(ls);
            sum += m;
            second += v + (m * m);
        }

        var mean = sum / samples.Count;
        var variance = Math.Max((second / samples.Count) - (mean * mean), 1e-12);
        return ((mean * TargetStd) + TargetMean, Math.Sqrt(variance) * TargetStd * Temperature);
    }

    /// <summary>Mean Gaussian negative log-likelihood of the standardised targets with the posterior means.</summary>
    private double MeanNll(TrainingSet set)
    {
        var w = SampleWeights(null);
        var acts = NewActivations();
        Span<double> x = stackalloc double[_sizes[0]];
        double total = 0;
        for (var i = 0; i < set.Count; i++)
        {
            Standardised(set.Row(i), x);
            var (m, ls) = Forward(w, x, acts);
            total += Nll((set.Targets[i] - TargetMean) / TargetStd, m, ls).Loss;
        }

        return total / Math.Max(1, set.Count);
    }

    /// <summary>
    /// Sets <see cref="Temperature"/> so that 90% of the held-out rows fall inside the 90% interval:
    /// variational posteriors are known to be over- or under-confident, and this makes the interval honest.
    /// </summary>
    public void Calibrate(TrainingSet heldOut, IReadOnlyList<double[][]> samples)
    {
        Temperature = 1;
        if (heldOut.Count < 20)
        {
            return;
        }

        var scores = new double[heldOut.Count];
        var signed = new double[heldOut.Count];
        for (var i = 0; i < heldOut.Count; i++)
        {
            var (m, s) = Predict(heldOut.Row(i), samples);
            signed[i] = (heldOut.Targets[i] - m) / s;
            scores[i] = Math.Abs(signed[i]);
        }

        Array.Sort(scores);
        Temperature = scores[(int)Math.Floor(0.9 * (scores.Length - 1))] / 1.6448536269514722;

        // Upper tail for chance constraints: how many calibrated spreads above the median the
        // held-out loads reached with probability p (the noise is heavier-tailed than a normal).
        Array.Sort(signed);
        UpperScores = UpperProbabilities.ToDictionary(p => p, p => signed[(int)Math.Floor(p * (signed.Length - 1))] / Temperature);
    }

    /// <summary>Probabilities for which <see cref="UpperScores"/> are kept.</summary>
    public static readonly double[] UpperProbabilities = [0.9, 0.95, 0.99, 0.995, 0.999];

    /// <summary>p to z: the load reached with probability p is exp(m + z * s) - offset (empty until calibrated).</summary>
    public IReadOnlyDictionary<double, double> UpperScores { get; set; } = new Dictionary<double, double>();

    /// <summary>Whether the scale output is a Laplace log b (else a Gaussian log sigma).</summary>
    public bool Laplace { get; private set; }

    /// <summary>Variance of the noise distribution with log scale <paramref name="logScale"/>: 2b^2 (Laplace) or sigma^2.</summary>
    public double NoiseVariance(double logScale) => (Laplace ? 2 : 1) * Math.Exp(2 * logScale);

    /// <summary>Negative log-likelihood (without constants) of y and its derivatives by the mean and the log scale.</summary>
    internal (double Loss, double DMean, double DLogScale) Nll(double y, double mean, double logScale)
    {
        var r = (y - mean) * Math.Exp(-logScale);
        return Laplace
            ? (logScale + Math.Abs(r), -Math.Sign(r) * Math.Exp(-logScale), 1 - Math.Abs(r))
            : (logScale + (0.5 * r * r), -r * Math.Exp(-logScale), 1 - (r * r));
    }

    public static double Softplus(double x) => x > 20 ? x : Math.Log(1 + Math.Exp(x));

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    internal static double Gaussian(Random rng)
    {
        var u1 = 1.0 - rng.NextDouble();
        var u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>Minibatch Adam on the variational parameters; one weight draw per minibatch.</summary>
    private sealed class Trainer
    {
        private readonly BayesianMlp _net;
        private readonly TrainingSet _set;
        private readonly BnnOptions _options;
        private readonly Random _rng;
        private readonly double[][] _eps;
        private readonly double[][] _w;
        private readonly double[][] _grad;
        private readonly double[][] _m1Mu, _m2Mu, _m1Rho, _m2Rho;
        private readonly double[][] _acts;
        private readonly double[][] _deltas;
        private readonly double[] _x;
        private readonly int[] _order;
        private readonly double[] _targets;
        private readonly int _totalSteps;
        private int _step;

        public Trainer(BayesianMlp net, TrainingSet set, BnnOptions options, Random rng)
        {
            _net = net;
            _set = set;
            _options = options;
            _rng = rng;
            double[][] Like() => [.. net._mu.Select(a => new double[a.Length])];
            _eps = Like();
            _w = Like();
            _grad = Like();
            _m1Mu = Like();
            _m2Mu = Like();
            _m1Rho = Like();
            _m2Rho = Like();
            _acts = net.NewActivations();
            _deltas = net.NewActivations();
            _x = new double[net._sizes[0]];
            _order = [.. Enumerable.Range(0, set.Count)];
            _targets = [.. set.Targets.Select(t => (t - net.TargetMean) / net.TargetStd)];
            _totalSteps = options.Epochs * ((set.Count + options.BatchSize - 1) / options.BatchSize);
        }

        public double Epoch()
        {
            // Fisher-Yates shuffle of the row order.
            for (var i = _order.Length - 1; i > 0; i--)
            {
                var j = _rng.Next(i + 1);
                (_order[i], _order[j]) = (_order[j], _order[i]);
            }

            double total = 0;
            for (var start = 0; start < _order.Length; start += _options.BatchSize)
            {
                var end = Math.Min(_order.Length, start + _options.BatchSize);
                total += Batch(start, end);
            }

            return total / Math.Max(1, _order.Length);
        }

        private double Batch(int start, int end)
        {
            var mu = _net._mu;
            var rho = _net._rho;
            for (var l = 0; l < mu.Length; l++)
            {
                for (var i = 0; i < mu[l].Length; i++)
                {
                    _eps[l][i] = Gaussian(_rng);
                    _w[l][i] = mu[l][i] + (Softplus(rho[l][i]) * _eps[l][i]);
                }

                Array.Clear(_grad[l]);
            }

            double loss = 0;
            for (var k = start; k < end; k++)
            {
                var row = _order[k];
                _net.Standardised(_set.Row(row), _x);
                var (m, ls) = _net.Forward(_w, _x, _acts);
                var raw = _acts[^1][1];
                var (l, dMean, dScale) = _net.Nll(_targets[row], m, ls);
                loss += l;
                var dOut = _deltas[^1];
                dOut[0] = dMean;
                dOut[1] = raw is > MinLogSigma and < MaxLogSigma ? dScale : 0;
                Backward();
            }

            var n = (double)_set.Count;
            var batch = end - start;
            var prior2 = _options.PriorSigma * _options.PriorSigma;
            _step++;
            const double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
            // Cosine decay to a tenth over the run: big steps early, settled weights at the end.
            var progress = Math.Min(1.0, (double)_step / _totalSteps);
            var rate = _options.LearningRate * (0.1 + (0.9 * 0.5 * (1 + Math.Cos(Math.PI * progress))));
            var lr = rate * Math.Sqrt(1 - Math.Pow(beta2, _step)) / (1 - Math.Pow(beta1, _step));
            for (var l = 0; l < mu.Length; l++)
            {
                for (var i = 0; i < mu[l].Length; i++)
                {
                    // d/dw of the mean NLL, plus the KL term spread over the data set (KL / N).
                    var g = _grad[l][i] / batch;
                    var sigma = Softplus(rho[l][i]);
                    var gMu = g + (mu[l][i] / prior2 / n);
                    var gSigma = (g * _eps[l][i]) + (((-1 / sigma) + (sigma / prior2)) / n);
                    var gRho = gSigma * Sigmoid(rho[l][i]);

                    _m1Mu[l][i] = (beta1 * _m1Mu[l][i]) + ((1 - beta1) * gMu);
                    _m2Mu[l][i] = (beta2 * _m2Mu[l][i]) + ((1 - beta2) * gMu * gMu);
                    mu[l][i] -= lr * _m1Mu[l][i] / (Math.Sqrt(_m2Mu[l][i]) + epsilon);
                    _m1Rho[l][i] = (beta1 * _m1Rho[l][i]) + ((1 - beta1) * gRho);
                    _m2Rho[l][i] = (beta2 * _m2Rho[l][i]) + ((1 - beta2) * gRho * gRho);
                    rho[l][i] -= lr * _m1Rho[l][i] / (Math.Sqrt(_m2Rho[l][i]) + epsilon);
                }
            }

            return loss;
        }

        private void Backward()
        {
            var sizes = _net._sizes;
            for (var l = _w.Length - 1; l >= 0; l--)
            {
                int nin = sizes[l], nout = sizes[l + 1];
                var delta = _deltas[l + 1];
                var a = _acts[l];
                var wl = _w[l];
                var gl = _grad[l];
                var bias = nin * nout;
                for (var o = 0; o < nout; o++)
                {
                    gl[bias + o] += delta[o];
                }

                var below = _deltas[l];
                for (var i = 0; i < nin; i++)
                {
                    var ai = a[i];
                    var rowStart = i * nout;
                    double back = 0;
                    for (var o = 0; o < nout; o++)
                    {
                        gl[rowStart + o] += ai * delta[o];
                        back += wl[rowStart + o] * delta[o];
                    }

                    // ReLU below (the input layer needs no delta).
                    below[i] = l > 0 && ai > 0 ? back : 0;
                }
            }
        }
    }
}
