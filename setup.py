from setuptools import find_packages, setup

setup(
    name="mlzoo",
    version="0.1.0",
    description=(
        "Keras 3 model zoo: mutual learning, adaptive activations, sharing ensembles, "
        "saliency autoencoders."
    ),
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    packages=find_packages(include=["mlzoo", "mlzoo.*"]),
    python_requires=">=3.10",
    install_requires=[
        "keras>=3.8",
        "numpy>=1.24",
        "scikit-learn>=1.3",
        # tensorflow-cpu or tensorflow: either provides the backend, so neither is forced here.
    ],
    extras_require={
        "cpu": ["tensorflow-cpu>=2.16"],
        "gpu": ["tensorflow[and-cuda]>=2.16"],
        "tuning": ["keras-tuner>=1.4", "tensorboard"],
        "scripts": ["matplotlib>=3.7", "tqdm>=4.60"],
        "tfds": ["tensorflow-datasets>=4.9"],
        # the libraries benchmarks/ compares against; never imported by mlzoo itself
        "benchmarks": ["minisom>=2.3", "artlib>=0.1.12"],
        "test": [
            "tensorflow-cpu>=2.16",
            "keras-tuner>=1.4",
            "tensorboard",  # keras-tuner imports it on the TensorFlow backend
            "matplotlib>=3.7",
            "tqdm>=4.60",
            "pytest>=7",
            "ruff>=0.5",
            "minisom>=2.3",  # the side-by-side tests against the benchmark libraries
            "artlib>=0.1.12",
        ],
    },
)
