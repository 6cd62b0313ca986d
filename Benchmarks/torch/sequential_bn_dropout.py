"""A PyTorch nn.Sequential with BatchNorm1d and Dropout, trained on MNIST and saved as a
state dict with safetensors, for `backprop evaluate --layers ...` to score against PyTorch's
own accuracy (README, "Chapter 6"). Needs torch and safetensors (a venv; not used by CI).

    python sequential_bn_dropout.py DATA_DIR OUT.safetensors [--seed N] [--epochs N]

Prints PyTorch's eval-mode test accuracy and the --layers spec that describes the model.
"""
import argparse, gzip, struct
import numpy as np
import torch
from torch import nn
from safetensors.torch import save_file


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


parser = argparse.ArgumentParser()
parser.add_argument("data")
parser.add_argument("out")
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--epochs", type=int, default=2)
args = parser.parse_args()
torch.manual_seed(args.seed)
x_train = torch.tensor(idx(args.data + "/train-images-idx3-ubyte.gz").reshape(-1, 784) / 255.0, dtype=torch.float32)
t_train = torch.tensor(idx(args.data + "/train-labels-idx1-ubyte.gz").astype(np.int64))
x_test = torch.tensor(idx(args.data + "/t10k-images-idx3-ubyte.gz").reshape(-1, 784) / 255.0, dtype=torch.float32)
t_test = torch.tensor(idx(args.data + "/t10k-labels-idx1-ubyte.gz").astype(np.int64))

model = nn.Sequential(nn.Linear(784, 100), nn.BatchNorm1d(100), nn.ReLU(), nn.Dropout(0.3),
                      nn.Linear(100, 100), nn.BatchNorm1d(100), nn.Tanh(), nn.Dropout(0.3), nn.Linear(100, 10))
optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
for epoch in range(args.epochs):
    model.train()
    order = torch.randperm(len(x_train))
    for start in range(0, len(order), 100):
        rows = order[start:start + 100]
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(x_train[rows]), t_train[rows])
        loss.backward()
        optimizer.step()
model.eval()
with torch.no_grad():
    accuracy = (model(x_test).argmax(dim=1) == t_test).float().mean().item()
save_file(model.state_dict(), args.out)
print(f"pytorch test accuracy {accuracy:.4f}")
print("layers affine:100,batchnorm:eps=1e-05,relu,dropout:0.3:inverted,affine:100,batchnorm:eps=1e-05,tanh,"
      "dropout:0.3:inverted,affine:10")
