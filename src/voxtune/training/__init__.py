"""Training: datasets + base model -> a custom ModelBundle, with a training report.

    from voxtune.training import TrainingInputs, train
    trained = train("base", TrainingInputs(acoustic=[Path("train.zip")]), Path("models/an4"))
    trained.bundle, trained.report
"""

from voxtune.training.inputs import TrainingInputs
from voxtune.training.options import TrainingOptions
from voxtune.training.pipeline import TrainedModel, train
from voxtune.training.report import TrainingReport

__all__ = ["TrainedModel", "TrainingInputs", "TrainingOptions", "TrainingReport", "train"]
