"""A small stand-in for the article's data and MLP, for the tests that train."""
from prunebook.data import article_data
from prunebook.models import article_mlp


def small_data(n_samples=500, n_features=30):
    """The article's kind of data, smaller: a third of the features are informative."""
    return article_data(n_samples=n_samples, n_features=n_features, n_informative=n_features // 3)


def small_model(input_dim=30, units=32, seed=0):
    """The article's MLP, narrower."""
    return article_mlp(input_dim=input_dim, units=units, seed=seed)
