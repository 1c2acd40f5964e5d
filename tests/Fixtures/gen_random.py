"""Golden values for Lumen's random number generation: PyTorch 1.13's CPU generator (mt19937) and its samplers.

Every case seeds explicitly and records the exact float32/int64 values, so Lumen must reproduce them bit for bit."""
import math

import torch

from common import save, t

cases = {}


def seeded(seed):
    torch.manual_seed(seed)


for n in [1, 5, 16, 100]:
    seeded(0)
    cases[f"rand_{n}"] = {"seed": 0, "out": t(torch.rand(n))}

for n in [1, 5, 15, 16, 17, 33, 100, 1000]:
    seeded(0)
    cases[f"randn_{n}"] = {"seed": 0, "out": t(torch.randn(n))}

seeded(42)
cases["randn_4x8_seed42"] = {"seed": 42, "out": t(torch.randn(4, 8))}

# The scalar Box-Muller path caches its sine half in the generator across calls; size >= 16 does not touch the cache.
seeded(7)
a, b, c, d = torch.randn(3), torch.randn(1), torch.randn(20), torch.randn(2)
cases["randn_sequence_3_1_20_2"] = {"seed": 7, "a": t(a), "b": t(b), "c": t(c), "d": t(d)}

seeded(3)
cases["normal_mean_std_40"] = {"seed": 3, "mean": 0.5, "std": 2.5, "out": t(torch.normal(0.5, 2.5, (40,)))}
seeded(3)
cases["normal_mean_std_7"] = {"seed": 3, "mean": -1.25, "std": 0.3, "out": t(torch.normal(-1.25, 0.3, (7,)))}

# kaiming_uniform_(a=sqrt(5)) on a conv weight, and nn.Linear's default init (weight, then bias), as PyTorch does them.
seeded(11)
w = torch.empty(16, 3, 3, 3)
torch.nn.init.kaiming_uniform_(w, a=math.sqrt(5))
fan_in = 3 * 3 * 3
gain = math.sqrt(2.0 / (1 + 5))
cases["kaiming_uniform_conv_16x3x3x3"] = {"seed": 11, "bound": math.sqrt(3.0) * gain / math.sqrt(fan_in), "out": t(w)}
seeded(12)
lin = torch.nn.Linear(20, 10)
cases["linear_default_init_20_10"] = {"seed": 12, "weight_bound": math.sqrt(3.0) * gain / math.sqrt(20),
                                      "bias_bound": 1 / math.sqrt(20), "weight": t(lin.weight), "bias": t(lin.bias)}
seeded(13)
cases["uniform_minus3p7_11p1_50"] = {"seed": 13, "from": -3.7, "to": 11.1, "out": t(torch.empty(50).uniform_(-3.7, 11.1))}

seeded(0)
cases["randint_0_10_20"] = {"seed": 0, "out": t(torch.randint(0, 10, (20,)))}
seeded(5)
cases["randint_m5_17_3x4"] = {"seed": 5, "out": t(torch.randint(-5, 17, (3, 4)))}
seeded(5)
cases["randint_wide_range_64bit_draws"] = {"seed": 5, "low": -2**40, "high": 2**41, "out": t(torch.randint(-2**40, 2**41, (8,)))}

for n in [1, 2, 10, 100, 1000]:
    seeded(0)
    cases[f"randperm_{n}"] = {"seed": 0, "out": t(torch.randperm(n))}

seeded(21)
cases["bernoulli_scalar_p0.3_200"] = {"seed": 21, "p": 0.3, "out": t(torch.empty(200).bernoulli_(0.3))}
seeded(22)
probs = torch.rand(6, 5)
cases["bernoulli_probs_6x5"] = {"seed": 22, "probs": t(probs), "out": t(torch.bernoulli(probs))}
seeded(23)
cases["exponential_lambda1.7_50"] = {"seed": 23, "lambd": 1.7, "out": t(torch.empty(50).exponential_(1.7))}

# A non-contiguous target is filled in memory order (TensorIterator sorts dims by stride).
seeded(31)
x = torch.empty(7, 5).t()
x.uniform_()
cases["uniform_on_transposed_5x7"] = {"seed": 31, "out": t(x)}
seeded(31)
x = torch.empty(7, 5).t()
x.normal_()
cases["normal_on_transposed_5x7"] = {"seed": 31, "out": t(x)}

# Separate generators and seeds.
g = torch.Generator().manual_seed(7)
seeded(0)
cases["generator_seed7_rand5_then_default_rand3"] = {"g": t(torch.rand(5, generator=g)), "default": t(torch.rand(3))}
seeded(2**40 + 7)
cases["seed_above_32_bits"] = {"initial_seed": torch.initial_seed(), "out": t(torch.rand(4))}
seeded(-1)
cases["seed_minus_1"] = {"out": t(torch.rand(4))}

# get_rng_state: the 5056-byte CPUGeneratorImplState, after some draws and with a cached normal.
seeded(5)
torch.rand(3)
torch.randn(1)  # leaves the sine half cached
state = torch.get_rng_state()
cases["rng_state_after_rand3_randn1"] = {"state": t(state), "next_randn1": t(torch.randn(1)), "next_rand4": t(torch.rand(4))}

save("random", cases)
