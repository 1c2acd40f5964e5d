"""Golden values for Lumen.Optim: optimizer trajectories, learning-rate schedules and gradient clipping.

Optimizer cases train a tiny MLP written only with elementwise ops and sums (so Lumen can mirror it exactly):
    h    = softplus((x.unsqueeze(2) * W1).sum(1) + b1)      softplus(z) = log(1 + exp(z))
    out  = (h.unsqueeze(2) * W2).sum(1) + b2
    loss = ((out - y) * (out - y)).mean()
Each case stores "traj": the parameters W1, b1, W2, b2 flattened and concatenated, before the first step and
after each of STEPS steps (shape [STEPS + 1, 26]), and "loss": the loss seen at each step.
Scheduler cases store the learning rates (and momentum / beta1 where a scheduler cycles them) of a two-group
SGD optimizer after construction and after each of 15 steps, as plain JSON doubles.
"""
import math

import torch
from common import save, seeded, t

STEPS = 15
seeded(0)
cases = {}

x = torch.randn(8, 3)
y = torch.randn(8, 2)
init = [torch.randn(3, 4) * 0.5, torch.randn(4) * 0.1, torch.randn(4, 2) * 0.5, torch.randn(2) * 0.1]
cases["model"] = {"x": t(x), "y": t(y), "W1": t(init[0]), "b1": t(init[1]), "W2": t(init[2]), "b2": t(init[3])}


def loss_fn(P):
    W1, b1, W2, b2 = P
    h = (x.unsqueeze(2) * W1).sum(1) + b1
    h = (h.exp() + 1).log()
    out = (h.unsqueeze(2) * W2).sum(1) + b2
    d = out - y
    return (d * d).mean()


def flat(P):
    return torch.cat([p.detach().reshape(-1) for p in P])


def sparse_mask(p, k):
    """Keeps the gradient entries whose flat index i has (i + k) % 3 != 0; the rest become exact zeros."""
    idx = torch.arange(p.numel())
    return ((idx + k) % 3 != 0).float().reshape(p.shape)


def run(name, make_opt, closure_step=False, sparse=False, add_group_at=None, penalty=0.0, **meta):
    P = [p.clone().requires_grad_() for p in init]
    opt = make_opt(P)
    traj, losses = [flat(P)], []
    for k in range(STEPS):
        if add_group_at is not None and k == add_group_at[0]:
            opt.add_param_group(add_group_at[1](P))

        def closure():
            opt.zero_grad()
            loss = loss_fn(P)
            if penalty:
                loss = loss + penalty * sum((p * p).sum() for p in P)
            loss.backward()
            if sparse:
                for p in P:
                    p.grad = (p.grad * sparse_mask(p, k)).to_sparse()
            return loss

        if closure_step:
            loss = opt.step(closure)
        else:
            loss = closure()
            opt.step()
        losses.append(float(loss))
        traj.append(flat(P))
    c = {"traj": t(torch.stack(traj)), "loss": losses, "penalty": penalty}
    c.update(meta)
    cases[name] = c


O = torch.optim
# SGD
run("sgd", lambda P: O.SGD(P, lr=0.1))
run("sgd_momentum", lambda P: O.SGD(P, lr=0.1, momentum=0.9))
run("sgd_dampening", lambda P: O.SGD(P, lr=0.1, momentum=0.9, dampening=0.3))
run("sgd_nesterov", lambda P: O.SGD(P, lr=0.1, momentum=0.9, nesterov=True))
run("sgd_weight_decay", lambda P: O.SGD(P, lr=0.1, momentum=0.5, weight_decay=0.05))
run("sgd_maximize", lambda P: O.SGD(P, lr=0.01, momentum=0.5, maximize=True))
run("sgd_groups", lambda P: O.SGD([{"params": P[:2]}, {"params": P[2:], "lr": 0.05, "momentum": 0.5}],
                                  lr=0.1, momentum=0.9))
run("sgd_add_param_group", lambda P: O.SGD(P[:2], lr=0.1, momentum=0.9),
    add_group_at=(5, lambda P: {"params": P[2:], "lr": 0.2, "nesterov": True}))
# Adam family
run("adam", lambda P: O.Adam(P, lr=0.01))
run("adam_amsgrad", lambda P: O.Adam(P, lr=0.01, betas=(0.8, 0.99), amsgrad=True))
run("adam_weight_decay", lambda P: O.Adam(P, lr=0.01, weight_decay=0.1, eps=1e-6))
run("adam_maximize", lambda P: O.Adam(P, lr=0.01, maximize=True))
run("adam_groups", lambda P: O.Adam([{"params": P[:2], "weight_decay": 0.2}, {"params": P[2:], "betas": (0.5, 0.9)}],
                                    lr=0.02))
run("adamw", lambda P: O.AdamW(P, lr=0.01))
run("adamw_amsgrad", lambda P: O.AdamW(P, lr=0.02, weight_decay=0.3, amsgrad=True))
run("adamw_maximize", lambda P: O.AdamW(P, lr=0.01, maximize=True))
run("adamax", lambda P: O.Adamax(P, lr=0.02))
run("adamax_weight_decay", lambda P: O.Adamax(P, lr=0.02, betas=(0.7, 0.9), weight_decay=0.1, eps=1e-4))
run("adamax_maximize", lambda P: O.Adamax(P, lr=0.02, maximize=True))
run("nadam", lambda P: O.NAdam(P, lr=0.01))
run("nadam_weight_decay", lambda P: O.NAdam(P, lr=0.02, betas=(0.8, 0.95), weight_decay=0.1, momentum_decay=0.01))
run("radam", lambda P: O.RAdam(P, lr=0.01))
run("radam_weight_decay", lambda P: O.RAdam(P, lr=0.02, betas=(0.8, 0.9), weight_decay=0.1))
run("sparse_adam", lambda P: O.SparseAdam(P, lr=0.02), sparse=True)
run("sparse_adam_maximize", lambda P: O.SparseAdam(P, lr=0.02, betas=(0.8, 0.9), maximize=True), sparse=True)
# Adagrad / Adadelta / RMSprop / Rprop / ASGD
run("adagrad", lambda P: O.Adagrad(P, lr=0.1))
run("adagrad_options", lambda P: O.Adagrad(P, lr=0.1, lr_decay=0.05, weight_decay=0.01, initial_accumulator_value=0.1))
run("adagrad_maximize", lambda P: O.Adagrad(P, lr=0.05, maximize=True))
run("adadelta", lambda P: O.Adadelta(P, lr=1.0))
run("adadelta_options", lambda P: O.Adadelta(P, lr=0.5, rho=0.5, eps=1e-4, weight_decay=0.01))
run("adadelta_maximize", lambda P: O.Adadelta(P, lr=1.0, maximize=True))
run("rmsprop", lambda P: O.RMSprop(P, lr=0.01))
run("rmsprop_centered", lambda P: O.RMSprop(P, lr=0.01, alpha=0.9, centered=True))
run("rmsprop_momentum", lambda P: O.RMSprop(P, lr=0.005, momentum=0.9, weight_decay=0.05))
run("rmsprop_centered_momentum", lambda P: O.RMSprop(P, lr=0.005, momentum=0.5, centered=True, eps=1e-4))
run("rmsprop_maximize", lambda P: O.RMSprop(P, lr=0.005, maximize=True))
run("rprop", lambda P: O.Rprop(P, lr=0.01))
run("rprop_options", lambda P: O.Rprop(P, lr=0.02, etas=(0.3, 1.5), step_sizes=(1e-3, 0.05)))
run("rprop_maximize", lambda P: O.Rprop(P, lr=0.01, maximize=True))
run("asgd", lambda P: O.ASGD(P, lr=0.05))
run("asgd_options", lambda P: O.ASGD(P, lr=0.1, lambd=1e-2, alpha=0.5, t0=4, weight_decay=0.05))
run("asgd_maximize", lambda P: O.ASGD(P, lr=0.01, t0=2, maximize=True))
# LBFGS. Float32 L-BFGS amplifies rounding: PyTorch's own float32 and float64 runs of a 5-iteration-per-step
# configuration differ by 1e-4 after 4 steps. The 15-step cases therefore use configurations that stay
# well-conditioned (one iteration per step, short history); the multi-iteration cases are compared over their first
# two steps (compare_steps), which still run 10-12 inner iterations and line searches.
run("lbfgs", lambda P: O.LBFGS(P, lr=0.2, max_iter=2, history_size=3), closure_step=True)
run("lbfgs_strong_wolfe", lambda P: O.LBFGS(P, lr=0.3, max_iter=1, history_size=3, line_search_fn="strong_wolfe"),
    closure_step=True, penalty=0.01)
run("lbfgs_tolerance_grad", lambda P: O.LBFGS(P, lr=0.2, max_iter=2, history_size=3, tolerance_grad=0.08),
    closure_step=True)  # max|g| falls below 0.08 after step 13: the last steps return without moving
run("lbfgs_tolerance_change", lambda P: O.LBFGS(P, lr=0.2, max_iter=3, max_eval=10, history_size=3,
                                                tolerance_change=0.02), closure_step=True, compare_steps=8)
run("lbfgs_multi_iter", lambda P: O.LBFGS(P, lr=1, max_iter=5, history_size=4, line_search_fn="strong_wolfe"),
    closure_step=True, compare_steps=2)
run("lbfgs_max_eval", lambda P: O.LBFGS(P, lr=1, max_iter=6, max_eval=4, history_size=10,
                                        line_search_fn="strong_wolfe"), closure_step=True, compare_steps=2)
run("lbfgs_no_line_search_multi_iter", lambda P: O.LBFGS(P, lr=0.5, max_iter=4, history_size=3), closure_step=True,
    compare_steps=3)

# ASGD's averaged parameters after the last step (state 'ax'), to check the averaging itself.
P = [p.clone().requires_grad_() for p in init]
opt = O.ASGD(P, lr=0.1, lambd=1e-2, alpha=0.5, t0=4, weight_decay=0.05)
for k in range(STEPS):
    opt.zero_grad()
    loss_fn(P).backward()
    opt.step()
cases["asgd_options"]["ax"] = t(torch.cat([opt.state[p]["ax"].reshape(-1) for p in P]))
cases["asgd_options"]["eta"] = float(opt.state[P[0]]["eta"])
cases["asgd_options"]["mu"] = float(opt.state[P[0]]["mu"])

# ---------------------------------------------------------------- gradient clipping and explicit penalties


def grads_at_init(extra=None):
    P = [p.clone().requires_grad_() for p in init]
    loss = loss_fn(P)
    if extra is not None:
        loss = loss + extra(P)
    loss.backward()
    return P, loss


for name, max_norm, norm_type in [("clip_norm_2", 0.1, 2.0), ("clip_norm_1", 0.2, 1.0), ("clip_norm_inf", 0.05, math.inf),
                                  ("clip_norm_3", 0.1, 3.0), ("clip_norm_no_clip", 100.0, 2.0)]:
    P, _ = grads_at_init()
    before = torch.cat([p.grad.reshape(-1) for p in P])
    total = torch.nn.utils.clip_grad_norm_(P, max_norm, norm_type)
    cases[name] = {"max_norm": max_norm, "norm_type": "inf" if math.isinf(norm_type) else norm_type,
                   "grad_before": t(before), "total_norm": t(total),
                   "grad_after": t(torch.cat([p.grad.reshape(-1) for p in P]))}

P, _ = grads_at_init()
torch.nn.utils.clip_grad_value_(P, 0.05)
cases["clip_value"] = {"clip_value": 0.05, "grad_after": t(torch.cat([p.grad.reshape(-1) for p in P]))}

# DLwPT's explicit L2 penalty: loss + l2_lambda * sum(p.pow(2).sum() for p in model.parameters())
P, loss = grads_at_init(lambda P: 0.001 * sum(p.pow(2).sum() for p in P))
cases["l2_penalty"] = {"l2_lambda": 0.001, "loss": t(loss), "grad": t(torch.cat([p.grad.reshape(-1) for p in P]))}
P, loss = grads_at_init(lambda P: 0.001 * sum(p.abs().sum() for p in P))
cases["l1_penalty"] = {"l1_lambda": 0.001, "loss": t(loss), "grad": t(torch.cat([p.grad.reshape(-1) for p in P]))}

# ---------------------------------------------------------------- schedulers
S = torch.optim.lr_scheduler
EPOCHS = 15


def sched_case(name, make, optim="sgd", metrics=None, record=("lr",)):
    a, b = torch.zeros(2, requires_grad=True), torch.zeros(3, requires_grad=True)
    if optim == "sgd":
        opt = O.SGD([{"params": [a]}, {"params": [b], "lr": 0.05}], lr=0.1, momentum=0.9)
    else:
        opt = O.Adam([{"params": [a]}, {"params": [b], "lr": 0.05}], lr=0.1, betas=(0.9, 0.999))
    sched = make(opt)

    def snap():
        last = getattr(sched, "_last_lr", None) or [g["lr"] for g in opt.param_groups]  # plateau: none before step 1
        row = {"lr": list(last), "group_lr": [g["lr"] for g in opt.param_groups]}
        if "momentum" in record:
            row["momentum"] = [g["momentum"] for g in opt.param_groups]
        if "beta1" in record:
            row["beta1"] = [g["betas"][0] for g in opt.param_groups]
        return row

    rows = [snap()]
    for e in range(EPOCHS):
        opt.step()
        if metrics is not None:
            sched.step(metrics[e])
        else:
            sched.step()
        rows.append(snap())
    c = {k: [r[k] for r in rows] for k in rows[0]}
    if metrics is not None:
        c["metrics"] = metrics
    cases["sched_" + name] = c


sched_case("step", lambda o: S.StepLR(o, step_size=3, gamma=0.5))
sched_case("multistep", lambda o: S.MultiStepLR(o, milestones=[2, 5, 5, 9], gamma=0.3))
sched_case("exponential", lambda o: S.ExponentialLR(o, gamma=0.9))
sched_case("cosine", lambda o: S.CosineAnnealingLR(o, T_max=5, eta_min=0.001))
sched_case("cosine_long", lambda o: S.CosineAnnealingLR(o, T_max=20))
sched_case("warm_restarts", lambda o: S.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.01))
sched_case("warm_restarts_mult1", lambda o: S.CosineAnnealingWarmRestarts(o, T_0=4))
sched_case("linear", lambda o: S.LinearLR(o, start_factor=0.25, end_factor=1.0, total_iters=6))
sched_case("linear_decay", lambda o: S.LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=4))
sched_case("constant", lambda o: S.ConstantLR(o, factor=0.5, total_iters=4))
sched_case("polynomial", lambda o: S.PolynomialLR(o, total_iters=8, power=2.0))
sched_case("lambda", lambda o: S.LambdaLR(o, lr_lambda=[lambda e: 0.95 ** e, lambda e: 1.0 / (1 + e)]))
sched_case("multiplicative", lambda o: S.MultiplicativeLR(o, lr_lambda=lambda e: 0.9))
sched_case("onecycle_cos", lambda o: S.OneCycleLR(o, max_lr=[1.0, 0.5], total_steps=16, pct_start=0.3),
           record=("lr", "momentum"))
sched_case("onecycle_linear_three_phase",
           lambda o: S.OneCycleLR(o, max_lr=0.8, epochs=4, steps_per_epoch=4, pct_start=0.25, anneal_strategy="linear",
                                  three_phase=True, div_factor=10.0, final_div_factor=100.0),
           optim="adam", record=("lr", "beta1"))
sched_case("cyclic_triangular", lambda o: S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=3),
           record=("lr", "momentum"))
sched_case("cyclic_triangular2", lambda o: S.CyclicLR(o, base_lr=[0.01, 0.02], max_lr=[0.1, 0.2], step_size_up=2,
                                                      step_size_down=3, mode="triangular2"),
           record=("lr", "momentum"))
sched_case("cyclic_exp_range", lambda o: S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=2, mode="exp_range",
                                                    gamma=0.9, cycle_momentum=False))
plateau_metrics = [1.0, 0.9, 0.85, 0.86, 0.86, 0.87, 0.84, 0.845, 0.85, 0.85, 0.6, 0.61, 0.62, 0.63, 0.64]
sched_case("plateau_min", lambda o: S.ReduceLROnPlateau(o, mode="min", factor=0.5, patience=2, threshold=0.01,
                                                        cooldown=1, min_lr=[0.01, 0.002]), metrics=plateau_metrics)
sched_case("plateau_max_abs", lambda o: S.ReduceLROnPlateau(o, mode="max", factor=0.3, patience=1, threshold=0.05,
                                                            threshold_mode="abs"),
           metrics=[-m for m in plateau_metrics])
sched_case("sequential", lambda o: S.SequentialLR(o, [S.ConstantLR(o, factor=0.1, total_iters=2),
                                                      S.ExponentialLR(o, gamma=0.9)], milestones=[3]))
sched_case("sequential_warmup_cosine",
           lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.1, total_iters=4),
                                        S.CosineAnnealingLR(o, T_max=8, eta_min=0.001),
                                        S.StepLR(o, step_size=2, gamma=0.5)], milestones=[4, 11]))
sched_case("chained", lambda o: S.ChainedScheduler([S.ConstantLR(o, factor=0.1, total_iters=2),
                                                    S.ExponentialLR(o, gamma=0.9)]))
sched_case("chained_step_linear", lambda o: S.ChainedScheduler([S.StepLR(o, step_size=4, gamma=0.5),
                                                                S.LinearLR(o, start_factor=0.5, total_iters=5)]))

save("optim", cases)
