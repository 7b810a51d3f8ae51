"""The commented scenario template written by ``landcalc new``."""

TEMPLATE = """\
# A landcalc scenario: sell a plot once (the "rooster") or sell it cheaply to a
# manufacturer and collect the local share of its taxes (the "hen")?
#
# Money is in yuan; amounts are per mu (1 mu = 10000/15 m2) unless a flow says
# basis = "total". Negative amounts are costs. Year 0 is the decision year and
# is not discounted. Check this file with:  landcalc validate FILE
# and compare the options with:             landcalc compare FILE

[scenario]
name = "My plot: rooster or hen"
description = "Residential land sale against industrial land plus taxes"
area = 1000            # size of the plot, > 0
area_unit = "mu"       # mu | ha | m2 | acre
horizon = 50           # last year counted, 1..1000; 50 = the industrial lease term
                       # (1990 State Council regulations, Art. 12)
baseline = "rooster"   # the option the others are compared with

[discount]
rate = 0.08            # 8%: China's social discount rate (Economic Evaluation Methods
                       # and Parameters for Construction Projects, 3rd ed.)
# Instead of one rate, a declining schedule (UK Green Book, 2003, Table 6.1):
# schedule = [{from = 1, rate = 0.035}, {from = 31, rate = 0.03}, {from = 76, rate = 0.025}]

[options.rooster]
label = "Residential land sale"

[options.rooster.flows.land_sale]
kind = "once"          # once: one amount in one year
amount = 30_000_000    # yuan per mu: a Songjiang floor price of 38,291 yuan/m2 (Sunac,
                       # May 2016) at plot ratio 1.2 is about 30.6 M yuan per mu
year = 0

[options.rooster.flows.acquisition]
kind = "once"
amount = -24_000_000   # acquisition, compensation and preparation: about 80% of
                       # residential land revenue went to such costs nationally in
                       # 2014-2015 (Ministry of Finance). The same cost stands in both
                       # options, so it cancels in the difference.

[options.hen]
label = "Industrial land, taxes over time"

[options.hen.flows.land_sale]
kind = "once"
amount = 1_000_000     # industrial land, yuan per mu (national 2016 average about
                       # 0.52 M; Shanghai 2021 about 0.9-1.6 M)

[options.hen.flows.acquisition]
kind = "once"
amount = -24_000_000   # the same cost as above

[options.hen.flows.tax]
kind = "annual"        # annual: a yearly amount from start to end
amount = 500_000       # all taxes per mu per year at full output (Zhejiang 2017
                       # average 255,000; new Songjiang projects 2023 expect 1.3 M)
share = 0.35           # fraction kept by the district (Songjiang local/total fiscal
                       # revenue, 34-37% in 2013-2017), 0..1
start = 3              # first year with tax: building takes about 2.5 years
end = 50               # last year with tax (default: the horizon)
ramp = 2               # years to reach full output (1/3, 2/3, then all)
growth = 0.02          # growth of tax per mu per year (judgement), > -1
hazard = 0.03          # share of firms leaving each year (judgement), 0..<1
# basis = "total"      # would make amount a total for the plot, not per mu

# Inputs to vary in `landcalc simulate` and `landcalc tornado`:
# [uncertain]
# "hen.tax.amount" = { dist = "triangular", low = 255_000, mode = 500_000, high = 1_300_000 }
# "discount.rate" = { dist = "uniform", low = 0.06, high = 0.10 }
"""
