namespace NetworkTwin.Central.Service;

/// <summary>
/// Something loaded from files (a certificate and its key, a CA bundle) and loaded again when they change, without a
/// restart: <see cref="Current"/> looks at the files' contents at most once a second (a hash of a few KB; write times
/// miss a copy that keeps them, as cp -p and rsync -t do); when they changed, it loads them again and, if that works,
/// serves the new value from then on. Files that do not load (half written, wrong key) leave the old value in place
/// and are not tried again until they change once more.
/// </summary>
internal sealed class ReloadingFiles<T>
    where T : class
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(1);
    private readonly string[] _files;
    private readonly Func<T> _load;
    private readonly Action<T, T> _reloaded;
    private readonly Action<Exception, T> _refused;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private T _current;
    private byte[] _loadedFingerprint;
    private byte[] _refusedFingerprint = [];
    private long _checkedAt;

    /// <param name="files">The files whose contents say when to load again.</param>
    /// <param name="load">Loads the value; throws when the files do not make one (the first load's error is the caller's).</param>
    /// <param name="reloaded">Told the new value and the one it replaces (which open connections may still use).</param>
    /// <param name="refused">Told why changed files did not load, and the value still served.</param>
    public ReloadingFiles(string[] files, Func<T> load, TimeProvider time, Action<T, T> reloaded, Action<Exception, T> refused)
    {
        _files = files;
        _load = load;
        _time = time;
        _reloaded = reloaded;
        _refused = refused;
        _loadedFingerprint = Fingerprint();
        _current = load();
        _checkedAt = time.GetTimestamp();
    }

    public T Current()
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            if (_time.GetElapsedTime(_checkedAt, now) < CheckEvery)
            {
                return _current;
            }

            _checkedAt = now;
            var fingerprint = Fingerprint();
            if (fingerprint.SequenceEqual(_loadedFingerprint) || fingerprint.SequenceEqual(_refusedFingerprint))
            {
                return _current;
            }

            try
            {
                var next = _load();
                var previous = _current;
                _current = next;
                _loadedFingerprint = fingerprint;
                _reloaded(next, previous);
            }
            catch (Exception ex) when (NetworkTwin.Hosting.Security.PemFiles.IsLoadFailure(ex))
            {
                _refusedFingerprint = fingerprint;
                _refused(ex, _current);
            }

            return _current;
        }
    }

    private byte[] Fingerprint()
    {
        try
        {
            using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
            foreach (var file in _files)
            {
                hash.AppendData(File.ReadAllBytes(file));
                hash.AppendData([0]);
            }

            return hash.GetHashAndReset();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
