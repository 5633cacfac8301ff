#!/usr/bin/python3
"""A latentspike run file simulated by Brian2: the peer of `latentspike bench --peer brian2`.

Reads a `latentspike/run@1` file (spiking model, `all` rule, exponential synapses, input given as
samples) and runs it in Brian2 with the step semantics of shared/spec/MODEL.md §3, so the time per
step compares one to one with latentspike's engines on the same network. Prints one JSON line:
{target, form, N, steps, build_seconds, run_seconds, seconds_per_step, spikes_total, mean_rate_hz, ...}.

Forms (how the recurrent drive R_i = Σ_l e_il·u_l reaches the neurons; never an N×N matrix
except in `dense`):
  latent        a K-unit latent NeuronGroup; u_l = Σ_k d_lk·ĝ_k through Synapses with a `(summed)`
                variable (one synapse per neuron and channel it feeds), read back by the neurons as
                linked variables u_l (E·u is a per-neuron dot product of length K). O(N·K) per step.
  latent-event  the same latent group, but u_l kept as an exponential trace that each presynaptic
                spike bumps through an `on_pre` pathway: O(N) state update + O(spikes) per step.
                Exact here because every channel has one source population, hence one λ_s.
  dense         all-to-all Synapses with W_ik = Σ_l e_il·d_lk (diagonal left to the fast reset),
                one exponential current per source population, bumped `on_pre`: O(spikes·N).

Step semantics (Brian step n = 0 … S−2 is the run file's step t = n + 1): Brian2's Euler(-Maruyama)
state update computes every right-hand side from the old state, which is exactly MODEL.md's order:
V[t] = V + λdt·(−V + F·c + b + I_ext[t−1]) + R + √(2λdt)·σ·ξ with R from ĝ[t−1] and s[t−1], and
g decays by the same (1 − dt·λ_s) factor. Threshold, then reset (g += λ_s, the fast self-reset
queued for t + 1, refractory bookkeeping), then the latent sums for t + 1. Noise is Brian2's own
RNG, so spike statistics, not spike trains, compare with latentspike's.

Usage: brian2_lowrank.py RUNFILE [--target numpy|cython|cpp_standalone] [--form latent|latent-event|dense]
                         [--repetitions R] [--build-dir DIR] [--threads T]
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time

import numpy as np

DEFAULT_LEAK = 100.0
DENSE_MAX_NEURONS = 20000


class RunFileError(ValueError):
    pass


# --------------------------------------------------------------------------------------------
# The run file, with the parser's broadcasting rules (src/model/parse.ts): a number where an
# array is expected means the same value for every element.


def per_neuron(value, size, what):
    if isinstance(value, (int, float)):
        return np.full(size, float(value))
    arr = np.asarray(value, dtype=float)
    if arr.shape != (size,):
        raise RunFileError(f"{what}: expected a number or {size} numbers, got shape {arr.shape}")
    return arr


def input_weights(value, size, dims, what):
    if value is None:
        return np.zeros((size, dims))
    if isinstance(value, (int, float)):
        return np.full((size, dims), float(value))
    arr = np.asarray(value, dtype=float)
    if dims == 1 and arr.shape == (size,):
        return arr.reshape(size, 1)
    if arr.shape != (size, dims):
        raise RunFileError(f"{what}: expected {size} rows of {dims}, got shape {arr.shape}")
    return arr


def sample_current(current, steps, dt):
    """MODEL.md: sample k holds the last key with t_key ≤ k·dt (+1e-9·dt); 0 before the first."""
    out = np.zeros(steps)
    if current is None:
        return out
    keys_t = np.asarray(current["t"], dtype=float)
    values = np.asarray(current["value"], dtype=float)
    times = np.arange(steps) * dt + 1e-9 * dt
    idx = np.searchsorted(keys_t, times, side="right") - 1
    out[idx >= 0] = values[idx[idx >= 0]]
    return out


def load_network(path):
    """The run file as flat per-neuron arrays (populations concatenated in file order)."""
    with open(path) as f:
        run = json.load(f)
    if run.get("format") != "latentspike/run@1":
        raise RunFileError(f"format: expected latentspike/run@1, got {run.get('format')!r}")
    if run.get("model", "spiking") != "spiking":
        raise RunFileError("model: only the spiking model has a Brian2 peer")
    if run.get("spikeRule") != "all":
        raise RunFileError(f"spikeRule: the Brian2 peer runs the `all` rule only (got {run.get('spikeRule')!r})")
    if run.get("trials", 1) != 1:
        raise RunFileError("trials: the Brian2 peer runs one trial")
    dt, steps = float(run["dt"]), int(run["steps"])
    inp = run["input"]
    if "samples" not in inp:
        raise RunFileError("input: the Brian2 peer needs input samples (not keyframes)")
    x = np.asarray(inp["samples"], dtype=float)  # [J][S]
    J = x.shape[0]
    if x.shape != (J, steps):
        raise RunFileError(f"input.samples: expected {J} rows of {steps} samples, got shape {x.shape}")

    pops = run["populations"]
    names = [p["name"] for p in pops]
    sizes = [int(p["size"]) for p in pops]
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(int)
    N = int(sum(sizes))
    latents = run["latents"]
    L = len(latents)

    per = {k: np.zeros(N) for k in ("lam", "rs", "sig", "mu", "b", "wait", "recur", "fast_reset")}
    F = np.zeros((N, J))
    E = np.zeros((N, L))
    pidx = np.zeros(N, dtype=int)
    currents = np.zeros((steps, len(pops)))
    has_current = False
    for p, pop in enumerate(pops):
        sl = slice(starts[p], starts[p] + sizes[p])
        syn = pop.get("synapse", {"kind": "delta"})
        if syn.get("kind") != "exponential":
            raise RunFileError(f"populations[{p}].synapse: the Brian2 peer needs exponential synapses")
        if pop.get("clampAtThreshold", False):
            raise RunFileError(f"populations[{p}].clampAtThreshold: not under the `all` rule")
        pidx[sl] = p
        per["lam"][sl] = pop.get("leak", DEFAULT_LEAK)
        per["rs"][sl] = float(syn["rate"])
        per["sig"][sl] = pop.get("sigmaV", 0.0)
        per["mu"][sl] = pop.get("mu", 0.0)
        per["b"][sl] = 1.0 - per_neuron(pop["threshold"], sizes[p], f"populations[{p}].threshold")
        # trsteps = trunc(tref/(dt·1000)) in float64; a spike at t allows the next from t + max(trsteps, 1).
        per["wait"][sl] = max(int(pop.get("refractoryMs", 0.0) / (dt * 1000)), 1)
        per["recur"][sl] = 1.0 if pop.get("recurrence", True) else 0.0
        per["fast_reset"][sl] = 1.0 if pop.get("selfReset", "fast") == "fast" else 0.0
        F[sl] = input_weights(pop.get("inputWeights"), sizes[p], J, f"populations[{p}].inputWeights")
        if pop.get("current") is not None:
            has_current = True
            currents[:, p] = sample_current(pop["current"], steps, dt)

    channel_source = []
    decoders = []
    for l, lat in enumerate(latents):
        p = names.index(lat["source"])
        channel_source.append(p)
        decoders.append(per_neuron(lat["decoder"], sizes[p], f"latents[{l}].decoder"))
    for pname, per_latent in (run.get("encoders") or {}).items():
        p = names.index(pname)
        sl = slice(starts[p], starts[p] + sizes[p])
        for lname, value in per_latent.items():
            l = [lat["name"] for lat in latents].index(lname)
            E[sl, l] = per_neuron(value, sizes[p], f"encoders.{pname}.{lname}")

    # W_ii = Σ_l e_il·d_li: the neuron's own reset through its own synapse (MODEL.md §4).
    self_w = np.zeros(N)
    for l, p in enumerate(channel_source):
        sl = slice(starts[p], starts[p] + sizes[p])
        self_w[sl] += E[sl, l] * decoders[l]

    # Command input c[t] = x[t−1] + (x[t] − x[t−1])/(λ·dt), t = 1 … S−1, split into two tables of
    # the step alone (x[t−1] and x[t] − x[t−1]) so that Brian2 looks them up once per step (a
    # loop-invariant) and each neuron only multiplies by its own 1/(λ·dt).
    x_prev = x[:, :-1].T.copy()
    x_diff = (x[:, 1:] - x[:, :-1]).T.copy()

    V0 = initial_voltage(run, pops, names, sizes, starts, latents, channel_source, decoders, E, F, x, per, self_w)
    return dict(
        dt=dt, steps=steps, N=N, J=J, L=L, names=names, sizes=sizes, starts=starts, F=F, E=E,
        pidx=pidx, per=per, self_w=self_w, x_prev=x_prev, x_diff=x_diff, currents=currents if has_current else None,
        channel_source=channel_source, decoders=decoders, V0=V0,
    )


def initial_voltage(run, pops, names, sizes, starts, latents, channel_source, decoders, E, F, x, per, self_w):
    """MODEL.md §7, as src/model/compile.ts: a population's own V, else from rates, else from
    initialLatent, else 0."""
    N = len(per["b"])
    V0 = np.zeros(N)
    any_rates = any("rates" in (p.get("initial") or {}) for p in pops)
    r0 = None
    y0 = None
    if any_rates:
        r0 = np.zeros(N)
        for p, pop in enumerate(pops):
            init = pop.get("initial") or {}
            if "rates" in init:
                r0[starts[p] : starts[p] + sizes[p]] = per_neuron(init["rates"], sizes[p], "initial.rates")
        y0 = np.array(
            [np.dot(decoders[l], r0[starts[p] : starts[p] + sizes[p]]) for l, p in enumerate(channel_source)]
        )
    elif run.get("initialLatent"):
        y0 = np.array([float(run["initialLatent"].get(lat["name"], 0.0)) for lat in latents])
    for p, pop in enumerate(pops):
        sl = slice(starts[p], starts[p] + sizes[p])
        init = pop.get("initial") or {}
        if "V" in init:
            V0[sl] = per_neuron(init["V"], sizes[p], "initial.V")
            continue
        if y0 is None:
            continue
        v = F[sl] @ x[:, 0]
        if pop.get("recurrence", True) or r0 is None:
            v = v + E[sl] @ y0
        else:
            v = v + self_w[sl] * r0[sl]
        if r0 is not None:
            v = v - per["mu"][sl] * r0[sl]
        V0[sl] = v + per["b"][sl]
    return V0


# --------------------------------------------------------------------------------------------
# The Brian2 network.


def build_network(net, form, b2):
    """Objects of one Brian2 Network for `net` in the given form; returns (Network, neuron group)."""
    Hz, second = b2.Hz, b2.second
    N, J, L, dt = net["N"], net["J"], net["L"], net["dt"]
    per = net["per"]
    noisy = bool(np.any(per["sig"] != 0))
    namespace = {
        "x_prev": b2.TimedArray(net["x_prev"], dt=dt * second, name="x_prev"),
        "x_diff": b2.TimedArray(net["x_diff"], dt=dt * second, name="x_diff"),
    }
    fc = " + ".join(f"F{j}*(x_prev(t, {j}) + x_diff(t, {j})*inv_ldt)" for j in range(J)) or "0"
    iext = "0"
    if net["currents"] is not None:
        # I_ext[t−1] enters step t: Brian step n reads sample n.
        namespace["iext_table"] = b2.TimedArray(net["currents"][:-1], dt=dt * second, name="iext_table")
        iext = "iext_table(t, pidx)"

    # The equations are specialised to the network, as our CPU engine's generated kernels are:
    # terms that are zero for every neuron are left out rather than multiplied by zero.
    if form == "dense":
        sources = sorted(set(net["channel_source"]))
        rec = " + ".join(f"Isyn{q}" for q in sources) or "0"
        syn_vars = "\n".join(
            f"dIsyn{q}/dt = -{float(net['per']['rs'][net['starts'][q]])}*Hz*Isyn{q} : 1" for q in sources
        )
    else:
        latent_sum = " + ".join(f"e{l}*u{l}" for l in range(L)) or "0"
        # own_syn removes the diagonal from the synaptic path when the self-reset is fast (§4);
        # recurrence: false keeps only the neuron's own synapse (§3).
        rec = f"{latent_sum} - own_syn*dt*g"
        if np.any(per["recur"] == 0):
            rec = f"recur*({latent_sum}) + (1 - recur)*self_w*dt*g - own_syn*dt*g"
        syn_vars = "\n".join(f"u{l} : 1 (linked)" for l in range(L))
        syn_vars += "\n" + "\n".join(f"e{l} : 1 (constant)" for l in range(L))
        syn_vars += "\nrecur : 1 (constant)\nself_w : 1 (constant)\nown_syn : 1 (constant)"
    # noise_sd = σ·√(2λ) per neuron (in √Hz): Euler–Maruyama adds noise_sd·√dt·ξ = √(2λdt)·σ·ξ.
    noise = " + noise_sd*sqrt(Hz)*xi" if noisy else ""
    eqs = f"""
    dV/dt = lam*(-V + Fc + b{' + Iext' if net['currents'] is not None else ''}) + (R + jump)/dt{noise} : 1
    dg/dt = -rs*g : Hz
    djump/dt = -jump/dt : 1
    Fc = {fc} : 1
    Iext = {iext} : 1
    R = {rec} : 1
    lam : Hz (constant)
    inv_ldt : 1 (constant)
    rs : Hz (constant)
    noise_sd : 1 (constant)
    b : 1 (constant)
    fast : 1 (constant)
    pidx : integer (constant)
    wait : integer (constant)
    nallow : integer
    count : integer
    """ + "\n".join(f"F{j} : 1 (constant)" for j in range(J)) + "\n" + syn_vars
    # `jump` is the fast self-reset queued by a spike for the next step; its Euler update
    # (jump + dt·(−jump/dt)) clears it right after V has used it, with no extra code object.
    G = b2.NeuronGroup(
        N,
        eqs,
        threshold="V >= 1 and t_in_timesteps >= nallow",
        reset="g += rs\njump = fast\nnallow = t_in_timesteps + wait\ncount += 1",
        method="euler",
        namespace=namespace,
        name="neurons",
    )
    G.V = net["V0"]
    G.lam = per["lam"] * Hz
    G.rs = per["rs"] * Hz
    G.inv_ldt = 1.0 / (per["lam"] * dt)
    G.noise_sd = per["sig"] * np.sqrt(2 * per["lam"])
    G.b = per["b"]
    G.pidx = net["pidx"]
    G.wait = per["wait"].astype(int)
    # `all` rule quirk: nobody spikes at step 1 (Brian step 0).
    G.nallow = 1
    own_syn = np.where(per["fast_reset"] > 0, net["self_w"], 0.0)
    # fast_i = (own diagonal if the self-reset is fast) − μ, applied one step after the spike.
    G.fast = own_syn - per["mu"]
    for j in range(J):
        setattr(G, f"F{j}", net["F"][:, j])
    objects = [G]

    if form == "dense":
        objects += dense_synapses(net, G, b2)
        return b2.Network(*objects), G

    for l in range(L):
        setattr(G, f"e{l}", net["E"][:, l])
    G.recur = per["recur"]
    G.self_w = net["self_w"]
    G.own_syn = own_syn
    pre, post, weight = [], [], []
    for l, p in enumerate(net["channel_source"]):
        start, size = net["starts"][p], net["sizes"][p]
        pre.append(np.arange(start, start + size))
        post.append(np.full(size, l))
        weight.append(net["decoders"][l])
    pre, post, weight = np.concatenate(pre), np.concatenate(post), np.concatenate(weight)
    if form == "latent":
        # u_l = Σ_k d_lk·ĝ_k with ĝ = dt·g; Brian2 runs summed updaters before the target's state
        # update in each step, so u is built from last step's g, as MODEL.md §3 asks.
        latent = b2.NeuronGroup(L, "u : 1", name="latent")
        feed = b2.Synapses(G, latent, "w : second (constant)\nu_post = w*g_pre : 1 (summed)", name="feed")
        feed.connect(i=pre, j=post)
        feed.w = weight * dt * second
    else:
        # u_l as an exponential trace: decays like g (Euler, 1 − dt·λ_s) after the neurons have read
        # it (order=1), then each spike adds d_lk·dt·λ_s.
        latent = b2.NeuronGroup(L, "du/dt = -rs*u : 1\nrs : Hz (constant)", method="euler", name="latent", order=1)
        latent.rs = np.array([per["rs"][net["starts"][p]] for p in net["channel_source"]]) * Hz
        feed = b2.Synapses(G, latent, "w : 1 (constant)", on_pre="u_post += w", name="feed")
        feed.connect(i=pre, j=post)
        feed.w = weight * dt * per["rs"][pre]
    for l in range(L):
        setattr(G, f"u{l}", b2.linked_var(latent, "u", index=np.full(N, l, dtype=int)))
    objects += [latent, feed]
    return b2.Network(*objects), G


def dense_synapses(net, G, b2):
    """All-to-all W = E·D per source population, bumping Isyn_q by W_ik·dt·λ_s on each spike."""
    N, dt, per = net["N"], net["dt"], net["per"]
    if N > DENSE_MAX_NEURONS:
        raise RunFileError(f"dense form: N = {N} > {DENSE_MAX_NEURONS} (N×N synapses)")
    D = np.zeros((net["L"], N))
    for l, p in enumerate(net["channel_source"]):
        D[l, net["starts"][p] : net["starts"][p] + net["sizes"][p]] = net["decoders"][l]
    W = net["E"] @ D  # W[i, k]: onto i from k
    # Fast self-reset: the diagonal is the `jump`, not a synapse; recurrence: false keeps only it.
    diag = np.diag(W).copy()
    W[per["recur"] == 0, :] = 0.0
    np.fill_diagonal(W, np.where(per["fast_reset"] > 0, 0.0, diag))
    out = []
    for q in sorted(set(net["channel_source"])):
        start, size = net["starts"][q], net["sizes"][q]
        block = W[:, start : start + size]  # [post, pre]
        post, pre = np.nonzero(block)
        rate = per["rs"][start]
        syn = b2.Synapses(G[start : start + size], G, "w : 1 (constant)", on_pre=f"Isyn{q}_post += w", name=f"dense{q}")
        syn.connect(i=pre, j=post)
        syn.w = block[post, pre] * dt * rate
        out.append(syn)
    return out


# --------------------------------------------------------------------------------------------
# Running it on one code-generation target.


def spike_summary(net, counts):
    counts = np.asarray(counts)
    by_pop = {name: int(counts[s : s + n].sum()) for name, s, n in zip(net["names"], net["starts"], net["sizes"])}
    total = int(counts.sum())
    duration = (net["steps"] - 1) * net["dt"]
    return total, by_pop, total / net["N"] / duration


def run_runtime(net, form, target, repetitions, b2):
    """numpy / cython: the first run pays code generation (and Cython compilation)."""
    b2.prefs.codegen.target = target
    network, G = build_network(net, form, b2)
    duration = (net["steps"] - 1) * net["dt"] * b2.second
    network.store("initial")
    run_times, build_seconds, counts = [], None, None
    for r in range(repetitions):
        network.restore("initial")
        start = time.perf_counter()
        network.run(duration)
        total = time.perf_counter() - start
        loop = float(b2.device._last_run_time)
        if r == 0:
            build_seconds = total - loop
        run_times.append(loop)
        counts = np.array(G.count[:])
        check_steps(network, net, b2)
    return build_seconds, run_times, counts


def run_standalone(net, form, repetitions, build_dir, threads, b2):
    """cpp_standalone: one compiled binary, run `repetitions` times; the binary times its own loop."""
    b2.set_device("cpp_standalone", directory=build_dir, build_on_run=False)
    if threads > 0:
        b2.prefs.devices.cpp_standalone.openmp_threads = threads
    network, G = build_network(net, form, b2)
    network.run((net["steps"] - 1) * net["dt"] * b2.second)
    start = time.perf_counter()
    b2.device.build(directory=build_dir, compile=True, run=True, with_output=False)
    total = time.perf_counter() - start
    run_times = [float(b2.device._last_run_time)]
    build_seconds = total - float(b2.device.timers.get("run_binary", run_times[0]))
    for _ in range(repetitions - 1):
        b2.device.run(build_dir, with_output=False, run_args=[])
        run_times.append(float(b2.device._last_run_time))
    counts = np.array(G.count[:])
    return build_seconds, run_times, counts


def check_steps(network, net, b2):
    done = int(round(float(network.t / (net["dt"] * b2.second))))
    if done != net["steps"] - 1:
        raise RuntimeError(f"Brian2 ran {done} steps, expected {net['steps'] - 1}")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("runfile")
    parser.add_argument("--target", default="numpy", choices=["numpy", "cython", "cpp_standalone"])
    parser.add_argument("--form", default="latent", choices=["latent", "latent-event", "dense"])
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--build-dir", default=None, help="cpp_standalone project folder (default: a temp dir)")
    parser.add_argument("--threads", type=int, default=0, help="cpp_standalone OpenMP threads (0: none)")
    args = parser.parse_args(argv)

    import brian2 as b2

    b2.prefs.core.default_float_dtype = np.float64
    b2.BrianLogger.log_level_warn()
    try:
        net = load_network(args.runfile)
    except (RunFileError, KeyError, ValueError) as err:
        print(f"error: {args.runfile}: {err}", file=sys.stderr)
        return 2
    if args.target == "cpp_standalone":
        build_dir = args.build_dir or tempfile.mkdtemp(prefix="brian2-standalone-")
        build_seconds, run_times, counts = run_standalone(net, args.form, args.repetitions, build_dir, args.threads, b2)
    else:
        build_seconds, run_times, counts = run_runtime(net, args.form, args.target, args.repetitions, b2)
    total, by_pop, rate = spike_summary(net, counts)
    run_seconds = statistics.median(run_times)
    steps = net["steps"] - 1
    print(
        json.dumps(
            {
                "target": args.target,
                "form": args.form,
                "brian2": b2.__version__,
                "N": net["N"],
                "steps": steps,
                "repetitions": args.repetitions,
                "build_seconds": build_seconds,
                "run_seconds": run_seconds,
                "run_seconds_all": run_times,
                "seconds_per_step": run_seconds / steps,
                "spikes_total": total,
                "spikes_by_population": by_pop,
                "mean_rate_hz": rate,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
