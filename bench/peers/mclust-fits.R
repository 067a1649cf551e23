# Peer benchmark, mclust side (bench/peers.mjs runs it; needs r-cran-mclust).
#   Rscript mclust-fits.R export <dir>          writes diabetes, banknote, faithful, iris as CSV
#   Rscript mclust-fits.R fit <csv> <name> <kmax> [MODEL:K,...]   one JSON line per model and K
#     (all 14 models × K = 1…kmax, or just the listed ones), written as each fit ends:
#     {"dataset", "model", "k", "loglik"} with the log-likelihood at mclust's returned parameters
#     (its default hc start and tolerances), or "loglik": null and the reason when it gives no fit.
suppressPackageStartupMessages(library(mclust))
args <- commandArgs(trailingOnly = TRUE)

loglikAt <- function(x, pro, mean, sigma) {
  k <- length(pro)
  lp <- matrix(sapply(1:k, function(j) {
    s <- sigma[, , j]
    log(pro[j]) - 0.5 * ncol(x) * log(2 * pi) - 0.5 * as.numeric(determinant(s, logarithm = TRUE)$modulus) - 0.5 * mahalanobis(x, mean[, j], s)
  }), ncol = k)
  m <- apply(lp, 1, max)
  sum(m + log(rowSums(exp(lp - m))))
}

if (args[1] == "export") {
  data(diabetes, package = "mclust"); data(banknote, package = "mclust")
  sets <- list(diabetes = diabetes[, c("glucose", "insulin", "sspg")], banknote = banknote[, -1], faithful = faithful, iris = iris[, 1:4])
  for (n in names(sets)) write.csv(sets[[n]], file.path(args[2], paste0(n, ".csv")), row.names = FALSE)
} else {
  x <- as.matrix(read.csv(args[2]))
  name <- args[3]
  kmax <- as.integer(args[4])
  d <- ncol(x)
  todo <- if (length(args) >= 5) strsplit(args[5], ",")[[1]] else NULL
  for (model in c("EII", "VII", "EEI", "VEI", "EVI", "VVI", "EEE", "VEE", "EVE", "VVE", "EEV", "VEV", "EVV", "VVV")) for (k in 1:kmax) {
    if (!is.null(todo) && !(paste0(model, ":", k) %in% todo)) next
    reason <- "no fit"
    fit <- tryCatch(suppressWarnings(Mclust(x, G = k, modelNames = model, verbose = FALSE)), error = function(e) { reason <<- conditionMessage(e); NULL })
    ll <- if (is.null(fit) || is.null(fit$loglik)) NA else {
      p <- fit$parameters
      loglikAt(x, if (is.null(p$pro)) 1 else p$pro, matrix(p$mean, nrow = d), p$variance$sigma)
    }
    cat(sprintf('{"dataset":"%s","model":"%s","k":%d,"loglik":%s%s}\n', name, model, k,
      if (is.finite(ll)) sprintf("%.17g", ll) else "null",
      if (is.finite(ll)) "" else sprintf(',"reason":"%s"', gsub('"', "'", reason))))
    flush(stdout())
  }
}
