# Writes mclust's fits as JSON fixtures for emkit's tests (tools/fixtures/mclust/).
# A tool for making fixtures, not a dependency of the project or of CI:
#   apt-get install r-cran-mclust
#   Rscript tools/mclust-fixtures/make-fixtures.R [outDir]
# For each data set: the data (numeric columns), then for the 14 models x K = 1..5 mclust's
# Mclust(data, G = K, modelNames = model) with its defaults (hc start on SVD-transformed data):
# weights, means (K x D), covariances (K x D x D), log-likelihood, df, BIC (mclust's sign:
# 2 logL - df log n), or the reason when mclust returns no fit. Mclust's loglik is that of its
# last E-step, one M-step before the parameters it returns; so each fit also has the
# log-likelihood at the returned parameters (computed here in R: log-sum-exp over components of
# log pro_k + log N(x | mean_k, sigma_k)) and mclust's bic() of it: loglikAtParameters,
# bicAtParameters.
# Also per data set:
# - "hc": mclust's model-based hierarchical agglomeration as Mclust runs it (hc(x, modelName,
#   use = "SVD")), the classes of hclass() for K = 2..5, for the VVV and EII criteria;
# - "mapFits": Mclust(x, G = K, modelNames = model, prior = priorControl()) for the ten models
#   with a conjugate prior in mclust, K = 1..3: the fitted parameters as above, and the prior of
#   defaultPrior(x, G = K, modelName = model) ("scale" a number for the diagonal family, a D x D
#   matrix row-major for the others), and "next": the parameters after one more EM step from the
#   fitted ones (estep, then mstep with the prior), for testing the MAP M-step formula by formula.
# Data sets: mclust's diabetes and banknote, R's faithful and iris, and scikit-learn's wine
# (bench/peers/data/wine.csv, written by bench/peers/sklearn_fits.py).
suppressPackageStartupMessages(library(mclust))

args <- commandArgs(trailingOnly = TRUE)
outDir <- if (length(args) >= 1) args[1] else "tools/fixtures/mclust"
dir.create(outDir, showWarnings = FALSE, recursive = TRUE)

models <- c("EII", "VII", "EEI", "VEI", "EVI", "VVI", "EEE", "VEE", "EVE", "VVE", "EEV", "VEV", "EVV", "VVV")
ks <- 1:5

num <- function(x) {
  if (length(x) == 0) return("[]")
  s <- ifelse(is.finite(x), sprintf("%.17g", x), "null")
  paste0("[", paste(s, collapse = ","), "]")
}
scalar <- function(x) if (is.null(x) || !is.finite(x)) "null" else sprintf("%.17g", x)
str <- function(x) paste0('"', gsub('"', '\\\\"', x), '"')

# log p(x) summed over rows for a Gaussian mixture, with log-sum-exp over components.
loglikAt <- function(x, pro, mean, sigma) {
  k <- length(pro)
  lp <- sapply(1:k, function(j) {
    s <- sigma[, , j]
    log(pro[j]) - 0.5 * ncol(x) * log(2 * pi) - 0.5 * as.numeric(determinant(s, logarithm = TRUE)$modulus) -
      0.5 * mahalanobis(x, mean[, j], s)
  })
  lp <- matrix(lp, ncol = k)
  m <- apply(lp, 1, max)
  sum(m + log(rowSums(exp(lp - m))))
}

# ,"weights":…,"means":…,"covariances":… of mclust's parameters (means K x D, covariances K x D x D, row-major).
paramsJson <- function(p, k, d) {
  sigma <- p$variance$sigma
  paste0(
    ',"weights":', num(if (is.null(p$pro)) rep(1, k) else p$pro),
    ',"means":', num(as.vector(matrix(p$mean, nrow = d))),
    ',"covariances":', num(as.vector(sapply(1:k, function(j) t(matrix(sigma[, , j], d, d)))))
  )
}

# Mclust(...)'s fit, or fit = NULL and the reason (its warning or error, else "no fit").
tryMclust <- function(...) {
  reason <- NULL
  fit <- tryCatch(
    withCallingHandlers(
      Mclust(...),
      warning = function(w) { reason <<- conditionMessage(w); invokeRestart("muffleWarning") }
    ),
    error = function(e) { reason <<- conditionMessage(e); NULL }
  )
  if (is.null(fit) || is.null(fit$loglik) || !is.finite(fit$loglik)) list(fit = NULL, reason = if (is.null(reason)) "no fit" else reason) else list(fit = fit, reason = NULL)
}

data(diabetes, package = "mclust")
data(banknote, package = "mclust")
data(faithful, package = "datasets")
data(iris, package = "datasets")
sets <- list(
  diabetes = diabetes[, c("glucose", "insulin", "sspg")],
  banknote = banknote[, c("Length", "Left", "Right", "Bottom", "Top", "Diagonal")],
  faithful = faithful[, c("eruptions", "waiting")],
  iris = iris[, 1:4],
  wine = read.csv("bench/peers/data/wine.csv", check.names = FALSE)
)
priorModels <- c("EII", "VII", "EEI", "VEI", "EVI", "VVI", "EEE", "EEV", "VEV", "VVV")
priorKs <- 1:3

for (name in names(sets)) {
  x <- as.matrix(sets[[name]])
  n <- nrow(x)
  d <- ncol(x)
  fits <- character(0)
  for (model in models) for (k in ks) {
    tried <- tryMclust(x, G = k, modelNames = model, verbose = FALSE)
    head <- sprintf('{"model":%s,"k":%d', str(model), k)
    if (is.null(fit <- tried$fit)) { fits <- c(fits, paste0(head, ',"fit":null,"reason":', str(tried$reason), "}")); next }
    p <- fit$parameters
    atParams <- loglikAt(x, pro = if (is.null(p$pro)) 1 else p$pro, mean = matrix(p$mean, nrow = d), sigma = p$variance$sigma)
    bicAtParams <- bic(modelName = model, loglik = atParams, n = n, d = d, G = k)
    sigma <- p$variance$sigma # d x d x k
    mean <- matrix(p$mean, nrow = d) # d x k
    pro <- if (is.null(p$pro)) rep(1, k) else p$pro
    fits <- c(fits, paste0(
      head,
      ',"loglik":', scalar(fit$loglik),
      ',"df":', scalar(fit$df),
      ',"bic":', scalar(fit$bic),
      ',"loglikAtParameters":', scalar(atParams),
      ',"bicAtParameters":', scalar(bicAtParams),
      ',"weights":', num(pro),
      ',"means":', num(as.vector(mean)),
      ',"covariances":', num(as.vector(sapply(1:k, function(j) t(sigma[, , j])))),
      "}"
    ))
  }
  hcJson <- sapply(c("VVV", "EII"), function(m) {
    cl <- hclass(hc(x, modelName = m, use = "SVD"), 2:5)
    paste0(str(m), ":{", paste(sapply(2:5, function(g) paste0(str(as.character(g)), ":", num(cl[, as.character(g)]))), collapse = ","), "}")
  })
  mapFits <- character(0)
  for (model in priorModels) for (k in priorKs) {
    tried <- tryMclust(x, G = k, modelNames = model, prior = priorControl(), verbose = FALSE)
    head <- sprintf('{"model":%s,"k":%d', str(model), k)
    if (is.null(fit <- tried$fit)) { mapFits <- c(mapFits, paste0(head, ',"fit":null,"reason":', str(tried$reason), "}")); next }
    p <- fit$parameters
    pr <- defaultPrior(x, G = k, modelName = model)
    # One more EM step from the fitted parameters: estep, then mstep with the prior.
    # (mclust's estep refuses some MAP fits' parameters, e.g. EEV's; those have no "next".)
    step <- tryCatch(
      mstep(data = x, modelName = model, z = estep(data = x, modelName = model, parameters = p)$z, prior = priorControl())$parameters,
      error = function(e) NULL
    )
    mapFits <- c(mapFits, paste0(
      head,
      ',"loglik":', scalar(fit$loglik),
      paramsJson(p, k, d),
      if (is.null(step)) "" else paste0(',"next":{', substring(paramsJson(step, k, d), 2), "}"),
      ',"prior":{"shrinkage":', scalar(pr$shrinkage), ',"mean":', num(pr$mean), ',"dof":', scalar(pr$dof),
      ',"scale":', if (length(pr$scale) == 1) scalar(pr$scale) else num(as.vector(t(pr$scale))), "}",
      "}"
    ))
  }
  json <- paste0(
    '{"dataset":', str(name),
    ',"source":', str(sprintf("R %s, mclust %s: Mclust(x, G = k, modelNames = model), defaults", getRversion(), packageVersion("mclust"))),
    ',"layout":', str("weights K; means K x D row-major; covariances K x D x D row-major; bic = 2 loglik - df log n (mclust's sign)"),
    ',"columns":[', paste(sapply(colnames(x), str), collapse = ","), "]",
    ',"n":', n, ',"d":', d,
    ',"data":', num(as.vector(t(x))),
    ',"fits":[\n', paste(fits, collapse = ",\n"), "\n]",
    ',\n"hc":{', paste(hcJson, collapse = ","), "}",
    ',\n"mapFits":[\n', paste(mapFits, collapse = ",\n"), "\n]}\n"
  )
  file <- file.path(outDir, paste0(name, ".json"))
  tmp <- paste0(file, ".tmp")
  writeLines(json, tmp, sep = "")
  file.rename(tmp, file)
  cat(name, ": ", length(fits), " fits -> ", file, "\n", sep = "")
}
