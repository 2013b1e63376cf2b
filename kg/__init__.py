"""kg: publish news articles as grounded, checked linked data.

Each stage of the pipeline is a module with plain functions, usable without the command line:

    from kg.build import build
    result = build(Path("seeds"), Path("dist"))
    result.graphs        # one rdflib Graph per article, then the dataset's metadata graph
"""

__version__ = "0.1.0"
