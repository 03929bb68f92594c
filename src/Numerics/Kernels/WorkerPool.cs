using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace BoundLab.Numerics.Kernels;

/// <summary>Persistent worker threads for kernels that split one call into a fixed set of pieces.</summary>
/// <remarks>
/// Why not <c>Parallel.For</c>: an MLP step issues many sub-millisecond GEMMs, and a thread-pool worker
/// that has gone to sleep wakes too late — the calling thread then runs every piece itself. Here piece i
/// always runs on worker i (piece 0 on the caller), and a worker spins briefly after each job so that
/// back-to-back calls find it awake. When the pool is already in use (a concurrent or nested call)
/// the pieces run one after another on the caller: same pieces, same results, no deadlock.
/// </remarks>
internal static class WorkerPool
{
    // Polling time before an idle worker blocks: covers the gaps between the kernels of a training step.
    private static readonly long s_spinTicks = Stopwatch.Frequency / 5_000;

    private static readonly List<Worker> s_workers = [];
    private static int s_busy;

    /// <summary>Runs <paramref name="body"/>(0 … count−1), piece i on its own thread; returns when all are done.</summary>
    public static void Run(int count, Action<int> body)
    {
        if (count <= 1 || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            for (int i = 0; i < count; i++)
            {
                body(i);
            }

            return;
        }

        try
        {
            while (s_workers.Count < count - 1)
            {
                s_workers.Add(new Worker(s_workers.Count + 1));
            }

            for (int i = 1; i < count; i++)
            {
                s_workers[i - 1].Start(body, i);
            }

            Exception? first = null;
            try
            {
                body(0);
            }
            catch (Exception e)
            {
                first = e;
            }

            for (int i = 1; i < count; i++)
            {
                first ??= s_workers[i - 1].Wait();
            }

            if (first is not null)
            {
                ExceptionDispatchInfo.Capture(first).Throw();
            }
        }
        finally
        {
            Volatile.Write(ref s_busy, 0);
        }
    }

    private sealed class Worker
    {
        private readonly ManualResetEventSlim _wake = new(false, 1);
        private Action<int>? _body;
        private int _index;
        private Exception? _error;
        private volatile int _posted;   // jobs handed to this worker
        private volatile int _finished; // jobs it has completed

        public Worker(int id)
        {
            var thread = new Thread(Loop) { IsBackground = true, Name = $"BoundLab kernel worker {id}" };
            thread.Start();
        }

        public void Start(Action<int> body, int index)
        {
            _body = body;
            _index = index;
            _error = null;
            _posted++;
            _wake.Set();
        }

        public Exception? Wait()
        {
            var spin = new SpinWait();
            while (_finished != _posted)
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }

            return _error;
        }

        private void Loop()
        {
            int seen = 0;
            while (true)
            {
                long deadline = Stopwatch.GetTimestamp() + s_spinTicks;
                while (_posted == seen && Stopwatch.GetTimestamp() < deadline)
                {
                    Thread.SpinWait(20);
                }

                if (_posted == seen)
                {
                    _wake.Wait();
                }

                _wake.Reset();
                if (_posted == seen)
                {
                    continue;
                }

                seen = _posted;
                try
                {
                    _body!(_index);
                }
                catch (Exception e)
                {
                    _error = e;
                }

                _finished = seen;
            }
        }
    }
}
