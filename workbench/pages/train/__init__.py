"""The Build & Train page: the model builder, the training set-up, controls and live plots."""
