"""The per-sample sigmoid network (NeuralNetwork(784, 100, 10, learning_rate=0.3)) in numpy
float64, written from its formulas, as the baseline for `backprop train`'s one-command
equivalent (see the README).

Sigmoid hidden and output units; weights randn / sqrt(n_in / 2), biases uniform in [0, 1);
inputs x / 255 * 0.99 + 0.01; targets 0.01 / 0.99; output delta (A3 - t) * A3 * (1 - A3);
hidden delta (delta_next . W_next^T) * A * (1 - A); one sample per update, all 60,000
training images in order, one epoch. Prints one JSON line:
{"seconds": ..., "test_accuracy": ..., "epochs": ...}.

usage: python3 seed_sigmoid_train.py MNIST_DIR [EPOCHS] [SEED]
"""
import json
import sys
import time

import numpy as np

from book_train import find, load_idx


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def main():
    directory = sys.argv[1]
    epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    rng = np.random.default_rng(int(sys.argv[3]) if len(sys.argv) > 3 else 0)
    x_train = load_idx(find(directory, "train-images-idx3-ubyte")).reshape(-1, 784) / 255 * 0.99 + 0.01
    y_train = load_idx(find(directory, "train-labels-idx1-ubyte")).astype(np.int64)
    x_test = load_idx(find(directory, "t10k-images-idx3-ubyte")).reshape(-1, 784) / 255 * 0.99 + 0.01
    y_test = load_idx(find(directory, "t10k-labels-idx1-ubyte")).astype(np.int64)

    sizes, learning_rate = [784, 100, 10], 0.3
    W = [rng.standard_normal((a, b)) / np.sqrt(a / 2) for a, b in zip(sizes, sizes[1:])]
    b = [rng.random(n) for n in sizes[1:]]

    start = time.perf_counter()
    for _ in range(epochs):
        for x, label in zip(x_train, y_train):
            t = np.full(10, 0.01)
            t[label] = 0.99
            a1 = x[None, :]
            a2 = sigmoid(a1 @ W[0] + b[0])
            a3 = sigmoid(a2 @ W[1] + b[1])
            delta3 = (a3 - t) * a3 * (1 - a3)
            delta2 = (delta3 @ W[1].T) * a2 * (1 - a2)
            W[1] -= learning_rate * a2.T @ delta3
            b[1] -= learning_rate * delta3[0]
            W[0] -= learning_rate * a1.T @ delta2
            b[0] -= learning_rate * delta2[0]
    seconds = time.perf_counter() - start
    scores = sigmoid(sigmoid(x_test @ W[0] + b[0]) @ W[1] + b[1])
    accuracy = float(np.mean(scores.argmax(axis=1) == y_test))
    print(json.dumps({"seconds": seconds, "test_accuracy": accuracy, "epochs": epochs}))


if __name__ == "__main__":
    main()
