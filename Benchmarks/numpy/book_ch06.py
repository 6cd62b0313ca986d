"""The book's chapter 6 experiments run with the book's own code, beside `backprop experiment`:
the loops of ch06/optimizer_compare_mnist.py, weight_init_compare.py, batch_norm_test.py,
overfit_weight_decay.py and overfit_dropout.py (common/trainer.py's loop), unchanged but for
loading MNIST from the IDX files, seeding NumPy, and printing one JSON line per setting as
`backprop experiment NAME --json` does.

The networks and optimizers are imported from a checkout of the book's repository
(github.com/oreilly-japan/deep-learning-from-scratch), so this measures the book's code, not a
re-implementation. Each setting is a separate run from the seed, as the book runs its scripts.

usage: python3 book_ch06.py BOOK_REPO MNIST_DIR NAME SEED
       NAME: optimizers, weight-init, batch-norm, weight-decay, dropout
"""
import gzip
import json
import os
import sys

import numpy as np

book, mnist, name, seed = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
sys.path.insert(0, book)
from common.multi_layer_net import MultiLayerNet  # noqa: E402
from common.multi_layer_net_extend import MultiLayerNetExtend  # noqa: E402
from common.optimizer import SGD, Momentum, AdaGrad, Adam  # noqa: E402


def load(file, images):
    path = os.path.join(mnist, file)
    opener = gzip.open if os.path.exists(path + ".gz") else open
    with opener(path + ".gz" if os.path.exists(path + ".gz") else path, "rb") as f:
        data = np.frombuffer(f.read(), np.uint8, offset=16 if images else 8)
    # load_mnist(normalize=True): float32 pixels / 255, integer labels.
    return data.reshape(-1, 784).astype(np.float32) / 255.0 if images else data.astype(np.int64)


x_train, t_train = load("train-images-idx3-ubyte", True), load("train-labels-idx1-ubyte", False)
x_test, t_test = load("t10k-images-idx3-ubyte", True), load("t10k-labels-idx1-ubyte", False)


def emit(**fields):
    print(json.dumps(dict(experiment=name, **fields), sort_keys=True), flush=True)


def loss_race(networks, optimizers):
    """optimizer_compare_mnist.py / weight_init_compare.py: 2000 iterations of batch 128."""
    train_loss = {key: [] for key in networks}
    for i in range(2000):
        batch_mask = np.random.choice(x_train.shape[0], 128)
        x_batch, t_batch = x_train[batch_mask], t_train[batch_mask]
        for key in networks:
            grads = networks[key].gradient(x_batch, t_batch)
            optimizers[key].update(networks[key].params, grads)
            train_loss[key].append(networks[key].loss(x_batch, t_batch))
    for key, losses in train_loss.items():
        emit(setting=key, final_loss=float(np.mean(losses[-100:])))


np.random.seed(seed)
if name == "optimizers":
    optimizers = {"sgd": SGD(), "momentum": Momentum(), "adagrad": AdaGrad(), "adam": Adam()}
    loss_race({key: MultiLayerNet(784, [100] * 4, 10) for key in optimizers}, optimizers)
elif name == "weight-init":
    types = {"std0.01": 0.01, "xavier": "sigmoid", "he": "relu"}
    loss_race({key: MultiLayerNet(784, [100] * 4, 10, weight_init_std=w) for key, w in types.items()},
              {key: SGD(lr=0.01) for key in types})
elif name == "batch-norm":
    x, t = x_train[:1000], t_train[:1000]
    for w in np.logspace(0, -4, num=16):
        nets = {"batchnorm": MultiLayerNetExtend(784, [100] * 5, 10, weight_init_std=w, use_batchnorm=True),
                "plain": MultiLayerNetExtend(784, [100] * 5, 10, weight_init_std=w)}
        optimizer, accuracy = SGD(lr=0.01), {}
        for i in range(191):  # evaluations after steps 0, 10, ..., 190: 20 epochs
            batch_mask = np.random.choice(1000, 100)
            for net in nets.values():
                optimizer.update(net.params, net.gradient(x[batch_mask], t[batch_mask]))
            if i % 10 == 0:
                accuracy = {key: net.accuracy(x, t) for key, net in nets.items()}
        for key in ("plain", "batchnorm"):
            emit(weight_scale=float(w), setting=key, train_accuracy=float(accuracy[key]))
elif name in ("weight-decay", "dropout"):
    x, t = x_train[:300], t_train[:300]
    for setting in ("plain", name):
        np.random.seed(seed)
        if name == "weight-decay":
            net = MultiLayerNet(784, [100] * 6, 10, weight_decay_lambda=0.1 if setting != "plain" else 0)
            epochs = 201
        else:
            net = MultiLayerNetExtend(784, [100] * 6, 10, use_dropout=setting != "plain", dropout_ration=0.2)
            epochs = 301
        optimizer = SGD(lr=0.01)
        for i in range((epochs - 1) * 3 + 1):  # evaluations after steps 0, 3, 6, ...
            batch_mask = np.random.choice(300, 100)
            optimizer.update(net.params, net.gradient(x[batch_mask], t[batch_mask]))
        emit(setting=setting, train_accuracy=float(net.accuracy(x, t)), test_accuracy=float(net.accuracy(x_test, t_test)))
else:
    sys.exit("unknown experiment " + name)
