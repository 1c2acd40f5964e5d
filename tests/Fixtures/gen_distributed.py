"""Golden indices of torch.utils.data.distributed.DistributedSampler (PyTorch 1.13): every rank's shard for datasets
that divide evenly and unevenly, shuffled or not, padded or with drop_last, over two epochs (set_epoch)."""
import torch
from torch.utils.data.distributed import DistributedSampler

from common import save


def cases():
    out = {}
    for n in (10, 11, 3):
        for replicas in (2, 3, 4):
            for shuffle in (False, True):
                for drop_last in (False, True):
                    for seed in (0, 5):
                        if not shuffle and seed:
                            continue
                        ranks = {}
                        for rank in range(replicas):
                            s = DistributedSampler(range(n), num_replicas=replicas, rank=rank, shuffle=shuffle,
                                                   seed=seed, drop_last=drop_last)
                            epochs = []
                            for epoch in (0, 1):
                                s.set_epoch(epoch)
                                epochs.append(list(iter(s)))
                            ranks[str(rank)] = {"len": len(s), "epochs": epochs}
                        out[f"n{n}_r{replicas}_shuffle{int(shuffle)}_drop{int(drop_last)}_seed{seed}"] = {
                            "n": n, "replicas": replicas, "shuffle": shuffle, "drop_last": drop_last, "seed": seed,
                            "ranks": ranks}
    return out


if __name__ == "__main__":
    save("distributed_sampler", cases())
