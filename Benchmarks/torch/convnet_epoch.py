"""One training epoch of the book's SimpleConvNet (ch07) or DeepConvNet (ch08) in PyTorch
eager, the baseline `kernel-bench --convnet simple|deep` measures ours against in the same run.

The networks as nn.Sequential, with the book's layers (PyTorch's default initialization: the
time of a step does not depend on it), Adam 0.001, minibatches of 100 random MNIST training
images (read from the same IDX files, gzip + numpy, no torchvision), STEPS steps timed, nothing
else (no evaluation). Prints one JSON line:
{"seconds": ..., "steps": ..., "ms_per_step": ..., "torch": "2.x", "threads": T, "network": ...}.

usage: python convnet_epoch.py MNIST_DIR simple|deep STEPS THREADS
Exits with status 3 and one line on stderr when torch cannot be imported.
"""
import json
import os
import sys
import time

import numpy as np

# The IDX reading of the numpy baseline, not a second copy of it.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "numpy"))
from book_train import find, load_idx  # noqa: E402

try:
    import torch
    from torch import nn
except ImportError as error:
    print(f"torch is not importable by {sys.executable}: {error}", file=sys.stderr)
    sys.exit(3)


def simple_convnet():
    # ch07/simple_convnet.py: conv 30 5x5 pad 0, ReLU, max pool 2, affine 100, ReLU, affine 10.
    return nn.Sequential(nn.Conv2d(1, 30, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(30 * 12 * 12, 100), nn.ReLU(), nn.Linear(100, 10))


def deep_convnet():
    # ch08/deep_convnet.py: six 3x3 convolutions (16, 16, 32, 32, 64, 64; pads 1, 1, 1, 2, 1, 1)
    # with ReLU, a max pool 2 after every second, affine 50, ReLU, dropout 0.5, affine 10, dropout 0.5.
    layers, channels = [], 1
    for index, (filters, pad) in enumerate([(16, 1), (16, 1), (32, 1), (32, 2), (64, 1), (64, 1)]):
        layers += [nn.Conv2d(channels, filters, 3, padding=pad), nn.ReLU()]
        channels = filters
        if index % 2 == 1:
            layers.append(nn.MaxPool2d(2))
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(64 * 4 * 4, 50), nn.ReLU(), nn.Dropout(0.5),
                         nn.Linear(50, 10), nn.Dropout(0.5))


def main():
    directory, network, steps, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    images = load_idx(find(directory, "train-images-idx3-ubyte"))
    x_train = torch.from_numpy(images.reshape(-1, 1, 28, 28).astype(np.float32) / 255)
    t_train = torch.from_numpy(load_idx(find(directory, "train-labels-idx1-ubyte")).astype(np.int64))
    model = {"simple": simple_convnet, "deep": deep_convnet}[network]()
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    batches = torch.randint(0, len(x_train), (steps, 100))

    start = time.perf_counter()
    for rows in batches:
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(x_train[rows]), t_train[rows])
        loss.backward()
        optimizer.step()
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "steps": steps, "ms_per_step": seconds / steps * 1000,
                      "torch": torch.__version__, "threads": torch.get_num_threads(), "network": network,
                      "loss": float(loss.detach())}))


if __name__ == "__main__":
    main()
