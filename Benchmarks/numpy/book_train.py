"""The book's chapter 5 training loop (train_neuralnet.py) in numpy float32, as the baseline
that `kernel-bench --train` measures `backprop train` against in the same run.

TwoLayerNet 784-50-10 (Affine, ReLU, Affine, SoftmaxWithLoss), weight init std 0.01, batch
100, SGD lr 0.1, 10000 iterations, train and test accuracy every epoch (600 iterations).
Written from the book's formulas; prints one JSON line:
{"seconds": ..., "iterations": ..., "train_accuracy": ..., "test_accuracy": ...}.

usage: python3 book_train.py MNIST_DIR [ITERATIONS]
"""
import gzip
import json
import os
import sys
import time

import numpy as np


def load_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def find(directory, name):
    for candidate in (name + ".gz", name):
        path = os.path.join(directory, candidate)
        if os.path.exists(path):
            return path
    raise SystemExit(f"{directory}: {name} not found")


def main():
    directory = sys.argv[1]
    iterations = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    x_train = load_idx(find(directory, "train-images-idx3-ubyte")).reshape(-1, 784).astype(np.float32) / 255
    t_train = load_idx(find(directory, "train-labels-idx1-ubyte")).astype(np.int64)
    x_test = load_idx(find(directory, "t10k-images-idx3-ubyte")).reshape(-1, 784).astype(np.float32) / 255
    t_test = load_idx(find(directory, "t10k-labels-idx1-ubyte")).astype(np.int64)

    rng = np.random.default_rng(0)
    params = {
        "W1": (0.01 * rng.standard_normal((784, 50))).astype(np.float32),
        "b1": np.zeros(50, dtype=np.float32),
        "W2": (0.01 * rng.standard_normal((50, 10))).astype(np.float32),
        "b2": np.zeros(10, dtype=np.float32),
    }

    def predict(x):
        h = np.maximum(x @ params["W1"] + params["b1"], 0)
        return h @ params["W2"] + params["b2"]

    def accuracy(x, t):
        return float(np.mean(np.argmax(predict(x), axis=1) == t))

    batch_size, learning_rate = 100, np.float32(0.1)
    iter_per_epoch = max(x_train.shape[0] // batch_size, 1)
    start = time.perf_counter()
    train_acc = test_acc = 0.0
    for i in range(iterations):
        mask = rng.choice(x_train.shape[0], batch_size)
        x, t = x_train[mask], t_train[mask]
        # forward: Affine -> ReLU -> Affine -> SoftmaxWithLoss
        a1 = x @ params["W1"] + params["b1"]
        relu_mask = a1 <= 0
        z1 = a1.copy()
        z1[relu_mask] = 0
        a2 = z1 @ params["W2"] + params["b2"]
        a2 = a2 - a2.max(axis=1, keepdims=True)
        y = np.exp(a2)
        y /= y.sum(axis=1, keepdims=True)
        # backward
        dy = y.copy()
        dy[np.arange(batch_size), t] -= 1
        dy /= batch_size
        grads = {"W2": z1.T @ dy, "b2": dy.sum(axis=0)}
        dz1 = dy @ params["W2"].T
        dz1[relu_mask] = 0
        grads["W1"] = x.T @ dz1
        grads["b1"] = dz1.sum(axis=0)
        for key in params:
            params[key] -= learning_rate * grads[key]
        if i % iter_per_epoch == 0:
            train_acc, test_acc = accuracy(x_train, t_train), accuracy(x_test, t_test)
    seconds = time.perf_counter() - start
    blas = "numpy " + np.__version__
    try:
        from threadpoolctl import threadpool_info
        libs = [f"{i['internal_api']} {i.get('version')} {i.get('architecture')} {i['num_threads']} threads"
                for i in threadpool_info() if i.get("user_api") == "blas"]
        if libs:
            blas += ", " + "; ".join(libs)
    except ImportError:
        pass
    print(json.dumps({"seconds": seconds, "iterations": iterations, "blas": blas,
                      "train_accuracy": train_acc, "test_accuracy": test_acc}))


if __name__ == "__main__":
    main()
