"""Each lesson's hidden tests and its catalogue of realistic wrong implementations.

``autograder.lessons.<assignment id>.hidden_tests`` defines ``FUNCTIONS`` (see
``autograder.grading.schema`` for the format); ``mistakes`` lists typical wrong
implementations that the tests grade, each of which must fail only its own function.
"""
